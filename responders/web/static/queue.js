// makegood: the review queue by hand and live. Polls /queue/live with the last ETag (a 304 costs
// nothing): new cases become a "3 new — show" link instead of rows jumping under the reader's
// eyes; rows others claimed or moved are rewritten in place with textContent only (CSP: no
// inline script, nothing from the server inserted as HTML). Keys: j/k move, o open, c claim,
// x select, / search, ? help.
"use strict";

(function () {
  var INTERVAL_MS = 5000;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-case]"));
  }

  function rowOf(caseId) {
    return document.querySelector('#queue tbody tr[data-case="' + caseId + '"]');
  }

  // --- live ------------------------------------------------------------------------------

  function updateRow(row, state) {
    if (row.getAttribute("data-version") === String(state.version)) { return; }
    row.setAttribute("data-version", String(state.version));
    row.classList.add("changed");
    row.title = "changed since the page was loaded";
    var status = row.querySelector(".status-cell");
    if (status) { status.textContent = state.status_label; }
    var cell = row.querySelector(".assignee-cell");
    if (cell && state.assignee) {
      cell.textContent = state.assignee;  // the claim button goes: the case has an owner now
    }
    var version = row.querySelector("form input[name=version]");
    if (version) { version.value = String(state.version); }
    var box = row.querySelector("input[type=checkbox][name=case]");
    // A box ticked before the change keeps its old version: the bulk action then refuses that
    // case (someone acted on it meanwhile) instead of acting on a state nobody confirmed.
    if (box && !box.checked) { box.value = state.id + ":" + state.version; }
  }

  function startLive(box) {
    var base = box.getAttribute("data-live");
    var show = document.getElementById("live-show");
    var etag = null;

    function apply(state) {
      if (state.new > 0) {
        show.textContent = state.new + (state.more ? "+" : "") + " new — show";
        show.hidden = false;
      } else {
        show.hidden = true;
      }
      for (var i = 0; i < state.rows.length; i++) {
        var row = rowOf(state.rows[i].id);
        if (row) { updateRow(row, state.rows[i]); }
      }
    }

    function poll() {
      var ids = rows().map(function (r) { return r.getAttribute("data-case"); }).join(",");
      var headers = { "Accept": "application/json" };
      if (etag) { headers["If-None-Match"] = etag; }
      fetch(base + "&ids=" + encodeURIComponent(ids),
            { credentials: "same-origin", headers: headers, cache: "no-store" })
        .then(function (response) {
          if (response.status !== 200) { return null; }
          etag = response.headers.get("ETag");
          return response.json();
        })
        .then(function (state) { if (state) { apply(state); } })
        .catch(function () { /* offline for a moment: the next poll tries again */ });
    }

    setInterval(function () { if (!document.hidden) { poll(); } }, INTERVAL_MS);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
  }

  // --- selection and the bulk bar --------------------------------------------------------

  function startBulk(form) {
    var count = document.getElementById("bulk-count");

    function selected() {
      return document.querySelectorAll("#queue input[type=checkbox][name=case]:checked").length;
    }

    function refresh() {
      var n = selected();
      count.textContent = n ? n + " selected" : "none selected";
      rows().forEach(function (row) {
        var box = row.querySelector("input[type=checkbox][name=case]");
        row.classList.toggle("selected", !!box && box.checked);
      });
    }

    document.addEventListener("change", function (event) {
      if (event.target.matches && event.target.matches("input[type=checkbox][name=case]")) {
        refresh();
      }
    });
    form.addEventListener("submit", function (event) {
      if (!selected()) {
        event.preventDefault();
        count.textContent = "select at least one case first (x, or the boxes)";
      }
    });
    refresh();
  }

  // --- keyboard --------------------------------------------------------------------------

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") {
      return true;
    }
    if (target.tagName !== "INPUT") { return false; }
    return ["checkbox", "radio", "button", "submit"].indexOf(target.type) < 0;
  }

  function startKeys() {
    var dialog = document.getElementById("shortcuts");
    var opener = document.getElementById("shortcuts-open");

    function current() {
      var active = document.activeElement;
      var row = active && active.closest ? active.closest("#queue tbody tr[data-case]") : null;
      return row;
    }

    function move(step) {
      var all = rows();
      if (!all.length) { return; }
      var at = all.indexOf(current());
      var next = at < 0 ? (step > 0 ? 0 : all.length - 1)
        : Math.min(all.length - 1, Math.max(0, at + step));
      all[next].focus();
    }

    function help() {
      if (dialog && !dialog.open) { dialog.showModal(); }
    }

    if (opener) { opener.addEventListener("click", help); }

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
      if (dialog && dialog.open) { return; }  // Esc closes it (the browser's own)
      var row = current();
      var key = event.key;
      if (key === "j" || key === "k") {
        move(key === "j" ? 1 : -1);
      } else if (key === "?") {
        help();
      } else if (key === "/") {
        var search = document.querySelector("#filters input[name=q]");
        if (search) { search.focus(); search.select(); }
      } else if (row && (key === "o" || (key === "Enter" && event.target === row))) {
        var link = row.querySelector("a.open");
        if (link) { window.location.assign(link.href); }
      } else if (row && key === "c") {
        var claim = row.querySelector("form[action$='/claim']");
        if (claim) { claim.requestSubmit(); }
      } else if (row && key === "x") {
        var box = row.querySelector("input[type=checkbox][name=case]");
        if (box) {
          box.checked = !box.checked;
          box.dispatchEvent(new Event("change", { bubbles: true }));
        }
      } else {
        return;
      }
      event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("live");
    if (box) { startLive(box); }
    var form = document.getElementById("bulk");
    if (form) { startBulk(form); }
    if (document.getElementById("queue")) { startKeys(); }
  });
})();
