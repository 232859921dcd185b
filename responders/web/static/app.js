// makegood: the reply editor's live preview. Rendered text is inserted with textContent, never
// innerHTML: post text and templates are untrusted. No inline script anywhere (CSP).
"use strict";

(function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function setupEditor(form) {
    var source = form.querySelector("#source");
    var template = form.querySelector("#template");
    var channel = form.querySelector("#channel");
    var preview = document.getElementById("preview");
    var length = document.getElementById("length");
    var problem = document.getElementById("preview-error");
    var data = document.getElementById("reply-templates");
    var templates = data ? JSON.parse(data.textContent || "{}") : {};
    var timer = null;
    var seq = 0;

    function show(result) {
      preview.textContent = result.text || "";
      length.textContent = result.length || "";
      length.classList.toggle("over", !!result.over);
      if (result.error) {
        problem.textContent = result.error;
        problem.hidden = false;
      } else {
        problem.textContent = "";
        problem.hidden = true;
      }
    }

    function refresh() {
      var mine = ++seq;
      fetch(form.getAttribute("data-preview"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(),
                   "Accept": "application/json" },
        body: JSON.stringify({ source: source.value, channel: channel ? channel.value : "public" }),
      })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) { body = { error: body.error || ("error " + response.status) }; }
            return body;
          });
        })
        .then(function (body) { if (mine === seq) { show(body); } })
        .catch(function () { if (mine === seq) { show({ error: "preview unavailable" }); } });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 200);
    }

    if (template) {
      template.addEventListener("change", function () {
        var chosen = templates[template.value];
        if (chosen) {
          source.value = chosen.source;
          refresh();
        }
      });
    }
    source.addEventListener("input", later);
    if (channel) { channel.addEventListener("change", refresh); }
    if (source.value) { refresh(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("editor");
    if (form) { setupEditor(form); }
  });
})();
