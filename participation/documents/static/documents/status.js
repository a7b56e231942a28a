// Progressive enhancement of the document status page: poll the progress, update the bar,
// reload when the document is ready or failed. Without JavaScript a <meta refresh> does it.
(function () {
  "use strict";
  var root = document.querySelector("[data-progress-url]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-progress-url");
  var seconds = parseFloat(root.getAttribute("data-refresh-seconds")) || 2;
  var label = root.querySelector("[data-progress-label]");
  var bar = root.querySelector("[data-progress-bar]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        if (data.finished || data.stale) { window.location.reload(); return; }
        if (label) { label.textContent = data.label; }
        if (bar) {
          if (data.total) { bar.max = data.total; bar.value = data.done; } else { bar.removeAttribute("value"); }
        }
        window.setTimeout(poll, seconds * 1000);
      })
      .catch(function () { window.setTimeout(function () { window.location.reload(); }, seconds * 5000); });
  }
  window.setTimeout(poll, seconds * 1000);
})();
