// makegood: the case page's owner banner, kept live. Polls /cases/N/presence with the last ETag
// (a 304 costs nothing) and rewrites the banner with textContent only (CSP: no inline script).
// Each poll is also this page's heartbeat: the banner lists who else has the case open.
"use strict";

(function () {
  var INTERVAL_MS = 5000;

  function start(banner) {
    var url = banner.getAttribute("data-presence");
    var version = banner.getAttribute("data-version");
    var owner = banner.getAttribute("data-owner") || "";
    var text = document.getElementById("owner-text");
    var who = document.getElementById("assignee");
    var stale = document.getElementById("owner-stale");
    var viewing = document.getElementById("viewers");
    var etag = null;

    function apply(state) {
      who.textContent = state.owner || "nobody";
      if (viewing) { viewing.textContent = state.viewing || ""; }
      text.textContent = state.owner ? "· " + state.banner : "";
      banner.classList.toggle("owner-other", !!state.owner && !state.mine);
      if (String(state.version) !== version) {
        stale.hidden = false;
        if ((state.owner || "") !== owner) {
          // Someone else holds it now: stop offering actions the server would refuse anyway.
          var buttons = document.querySelectorAll("#editor button, .draft-actions button");
          for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = !state.mine; }
        }
      }
    }

    function poll() {
      var headers = { "Accept": "application/json" };
      if (etag) { headers["If-None-Match"] = etag; }
      fetch(url, { credentials: "same-origin", headers: headers, cache: "no-store" })
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

  document.addEventListener("DOMContentLoaded", function () {
    var banner = document.getElementById("owner-banner");
    if (banner) { start(banner); }
  });
})();
