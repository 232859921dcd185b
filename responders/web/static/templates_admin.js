// makegood: the templates page's live preview (admins). The source is rendered by the server's
// sandbox with sample values; the result is shown with textContent only. No inline script (CSP).
"use strict";

(function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function setup(form) {
    var source = document.getElementById("template-source");
    var platform = document.getElementById("preview-platform");
    var mode = document.getElementById("preview-mode");
    var preview = document.getElementById("preview");
    var length = document.getElementById("length");
    var problem = document.getElementById("preview-error");
    var timer = null;
    var seq = 0;

    function show(result) {
      preview.textContent = result.text || "";
      length.textContent = result.length || "";
      length.classList.toggle("over", !!result.over);
      problem.textContent = result.error || "";
      problem.hidden = !result.error;
    }

    function refresh() {
      var mine = ++seq;
      fetch(form.getAttribute("data-preview"), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(),
                   "Accept": "application/json" },
        body: JSON.stringify({ source: source.value, platform: platform.value, mode: mode.value }),
      })
        .then(function (r) { return r.json(); })
        .then(function (body) { if (mine === seq) { show(body); } })
        .catch(function () { if (mine === seq) { show({ error: "preview unavailable" }); } });
    }

    source.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 200); });
    platform.addEventListener("change", refresh);
    mode.addEventListener("change", refresh);
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("template-form");
    if (form) { setup(form); }
  });
})();
