// makegood: the reply editor. Staff edit the rendered words; a template's variables are chips
// (contenteditable=false spans) to inspect or remove. The words are written back as a template
// (text with every "{" escaped, a chip as {{ name }}) into the hidden #source, which the server
// renders for the preview and the draft (the same rule as responders/replies/chips.py).
// Everything is inserted with textContent, never innerHTML: post text and values are untrusted.
// No inline script anywhere (CSP).
"use strict";

(function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(),
                 "Accept": "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { data = { error: data.error || ("error " + response.status) }; }
        return data;
      });
    });
  }

  var TAIL = "\u200b";  // keeps a caret place after a trailing chip; never part of the reply

  function escapeText(text) { return text.split(TAIL).join("").split("{").join("{{ '{' }}"); }

  // Chrome cannot put the caret after a non-editable chip that ends the text: give it a place.
  function ensureTail(box) {
    var last = box.lastChild;
    if (last && last.nodeType === 1 && last.classList.contains("chip")) {
      box.appendChild(document.createTextNode(TAIL));
    }
  }

  // The editor's content as a template: text nodes escaped, chips as {{ name }}, lines kept.
  function serialize(node) {
    var out = "";
    for (var i = 0; i < node.childNodes.length; i++) {
      var child = node.childNodes[i];
      if (child.nodeType === 3) { out += escapeText(child.nodeValue); continue; }
      if (child.nodeType !== 1) { continue; }
      if (child.classList.contains("chip")) { out += "{{ " + child.getAttribute("data-name") + " }}"; }
      else if (child.tagName === "BR") { out += "\n"; }
      else if (child.tagName === "DIV" || child.tagName === "P") {
        if (out && out.slice(-1) !== "\n") { out += "\n"; }
        out += serialize(child);
      } else { out += serialize(child); }
    }
    return out;
  }

  function makeChip(segment) {
    var chip = document.createElement("span");
    chip.className = "chip";
    chip.contentEditable = "false";
    chip.setAttribute("data-name", segment.name);
    chip.setAttribute("data-meaning", segment.meaning || "");
    var value = document.createElement("button");
    value.type = "button";
    value.className = "chip-value";
    value.title = "{" + segment.name + "}";
    value.textContent = segment.text;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "chip-remove";
    remove.setAttribute("aria-label", "remove {" + segment.name + "}");
    remove.textContent = "×";
    chip.appendChild(value);
    chip.appendChild(remove);
    return chip;
  }

  function setupEditor(form) {
    var box = document.getElementById("reply-editor");
    var source = document.getElementById("source");
    var template = document.getElementById("template");
    var lang = document.getElementById("lang");
    var channel = document.getElementById("channel");
    var info = document.getElementById("chip-info");
    var preview = document.getElementById("preview");
    var length = document.getElementById("length");
    var problem = document.getElementById("preview-error");
    var timer = null;
    var seq = 0;
    var edited = false;

    function show(result) {
      preview.textContent = result.text || "";
      length.textContent = result.length || "";
      length.classList.toggle("over", !!result.over);
      problem.textContent = result.error || "";
      problem.hidden = !result.error;
    }

    function refresh() {
      source.value = serialize(box);
      var mine = ++seq;
      post(form.getAttribute("data-preview"),
           { source: source.value, channel: channel ? channel.value : "public" })
        .then(function (body) { if (mine === seq) { show(body); } })
        .catch(function () { if (mine === seq) { show({ error: "preview unavailable" }); } });
    }

    function later() { clearTimeout(timer); timer = setTimeout(refresh, 200); }

    function fill(segments) {
      box.textContent = "";
      for (var i = 0; i < segments.length; i++) {
        var s = segments[i];
        box.appendChild(s.name ? makeChip(s) : document.createTextNode(s.text));
      }
      ensureTail(box);
      info.hidden = true;
      edited = false;
      refresh();
    }

    // Removing "{handle}" from "Hi {handle} there" or "for {offer}." must not leave "Hi  there"
    // or "for ." with a stray space: the space before the chip goes when a space or a
    // punctuation mark follows it, and a chip that starts a line takes the space after it.
    function closeGap(chip) {
      var before = chip.previousSibling, after = chip.nextSibling;
      var lineStart = !before || (before.nodeType === 3 && /(^|\n)$/.test(before.nodeValue)) ||
        before.nodeName === "BR";
      if (lineStart && after && after.nodeType === 3) {  // "{handle} We're sorry" -> "We're sorry"
        after.nodeValue = after.nodeValue.replace(/^ /, "");
        return;
      }
      if (!before || before.nodeType !== 3 || !/ $/.test(before.nodeValue)) { return; }
      var next = after && after.nodeType === 3 ? after.nodeValue.replace(TAIL, "") : "";
      if (!after || /^[ .,;:!?)]/.test(next) || (after.nodeType === 3 && next === "")) {
        before.nodeValue = before.nodeValue.replace(/ $/, "");
      }
    }

    function compose() {
      if (!template.value) { return; }
      post(form.getAttribute("data-compose"), {
        template: template.value, lang: lang ? lang.value : "",
        channel: channel ? channel.value : "public",
      }).then(function (body) {
        if (body.ok) { fill(body.segments); } else { show({ error: body.error }); }
      }).catch(function () { show({ error: "the template could not be loaded" }); });
    }

    box.addEventListener("click", function (event) {
      var target = event.target;
      var chip = target.closest ? target.closest(".chip") : null;
      if (!chip) { return; }
      var name = "{" + chip.getAttribute("data-name") + "}";
      if (target.classList.contains("chip-remove")) {
        closeGap(chip);
        chip.parentNode.removeChild(chip);
        info.textContent = name + " removed.";
        info.hidden = false;
        edited = true;
        refresh();
      } else if (target.classList.contains("chip-value")) {
        var value = chip.querySelector(".chip-value").textContent;
        info.textContent = name + " = \u201c" + value + "\u201d: " +
          (chip.getAttribute("data-meaning") || "a value from the case") +
          ". It is filled in from the case when the reply is sent; × removes it.";
        info.hidden = false;
      }
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // a line break, not a new <div> per line
        event.preventDefault();
        document.execCommand("insertLineBreak");
      }
    });
    box.addEventListener("paste", function (event) {  // plain text only: no pasted markup
      event.preventDefault();
      var text = (event.clipboardData || window.clipboardData).getData("text/plain");
      document.execCommand("insertText", false, text);
    });
    box.addEventListener("input", function () { edited = true; later(); });
    if (template) { template.addEventListener("change", compose); }
    if (lang) { lang.addEventListener("change", compose); }
    if (channel) {
      // Unedited words are fetched again, worded for the new mode; edited ones stay the
      // person's, and the preview shows them as the mode sends them.
      channel.addEventListener("change", function () { if (edited) { refresh(); } else { compose(); } });
    }
    form.addEventListener("submit", function () { source.value = serialize(box); });
    ensureTail(box);
    if (box.childNodes.length) { refresh(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("editor");
    if (form) { setupEditor(form); }
  });
})();
