// The doors overview (templates/door/overview.html) polls every few seconds: not while nobody looks
// at it (a background tab, a locked phone), and at once when someone does again. A file, never inline (CSP).
(function () {
  "use strict";

  document.addEventListener("htmx:confirm", function (event) {
    if (document.hidden && event.detail.elt.id === "partial") event.preventDefault();
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && window.htmx) window.htmx.trigger(document.body, "doors:visible");
  });
})();
