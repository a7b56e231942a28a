// Progressive enhancement: save the current step in the background every 20 seconds when it
// has changed. Without JavaScript the "Save draft" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var dirty = false;
  var busy = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });

  function save() {
    if (!dirty || busy) return;
    busy = true;
    dirty = false;
    var data = new FormData(form);
    data.set("action", "autosave");
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Autosave": "1" }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      if (result.body.version) form.querySelector("input[name=version]").value = result.body.version;
      if (!status) return;
      if (result.body.saved) {
        status.textContent = form.dataset.savedText + " " + new Date().toLocaleTimeString();
      } else if (result.body.conflict) {
        status.textContent = form.dataset.conflictText;
      }
    }).catch(function () { dirty = true; }).then(function () { busy = false; });
  }
  window.setInterval(save, 20000);
})();
