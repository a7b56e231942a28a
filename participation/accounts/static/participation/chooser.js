// Progressive enhancement of the chooser (participation/widgets.py): a filter box above the
// list of checkboxes and a live count of matches for screen readers. Without JavaScript the
// list itself works. Texts come translated in data attributes (no inline script: the CSP).
(function () {
  "use strict";

  function normalise(text) {
    text = (text || "").toLocaleLowerCase();
    // Accents and Arabic short vowels do not have to be typed to match.
    if (text.normalize) text = text.normalize("NFD");
    return text.replace(/[\u0300-\u036f\u064b-\u065f\u0670]/g, "");
  }

  function enhance(chooser, number) {
    var list = chooser.querySelector(".chooser-options");
    if (!list) return;
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));
    var haystacks = items.map(function (item) {
      var input = item.querySelector("input");
      var label = item.querySelector("label");
      return normalise((label ? label.textContent : "") + " " + (input.getAttribute("data-search") || ""));
    });
    var base = (list.id || "chooser-" + number);

    var box = document.createElement("div");
    box.className = "chooser-filter";
    var label = document.createElement("label");
    label.htmlFor = base + "_filter";
    label.textContent = chooser.getAttribute("data-filter-label");
    var help = document.createElement("p");
    help.className = "help";
    help.id = base + "_filterhelp";
    help.textContent = chooser.getAttribute("data-filter-help");
    var input = document.createElement("input");
    input.type = "search";
    input.id = base + "_filter";
    input.autocomplete = "off";
    input.setAttribute("dir", "auto");
    input.setAttribute("aria-controls", list.id || "");
    input.setAttribute("aria-describedby", help.id);
    var status = document.createElement("p");
    status.className = "chooser-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(help);
    box.appendChild(input);
    chooser.insertBefore(box, list);
    chooser.insertBefore(status, list.nextSibling);

    var timer = null;
    function filter() {
      var query = normalise(input.value.trim());
      var shown = 0;
      items.forEach(function (item, i) {
        var ticked = item.querySelector("input").checked;
        var match = !query || haystacks[i].indexOf(query) !== -1;
        item.hidden = !(match || ticked);
        if (match) shown += 1;
      });
      window.clearTimeout(timer);
      // Announce once typing pauses, not at every key.
      timer = window.setTimeout(function () {
        status.textContent = !query ? "" : shown
          ? chooser.getAttribute("data-matches-text").replace("%(count)s", String(shown))
          : chooser.getAttribute("data-no-match-text");
      }, 400);
    }

    function summarise() {
      var names = items.filter(function (item) { return item.querySelector("input").checked; })
        .map(function (item) { return item.querySelector("label").textContent; });
      var target = chooser.querySelector("[data-chooser-chosen]");
      if (target) target.textContent = names.length ? names.join(chooser.getAttribute("data-separator") || ", ") : chooser.getAttribute("data-none-text");
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      // Enter in the filter would submit the whole form.
      if (event.key === "Enter") event.preventDefault();
    });
    list.addEventListener("change", summarise);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chooser]"), enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
