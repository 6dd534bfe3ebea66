// Colours on this device: "light", "dark", or nothing (follow the device's prefers-color-scheme).
// Loaded in <head> and not deferred, so a dark hall never sees a white flash first; a file, never
// inline, because the page runs under a strict Content-Security-Policy.
(function () {
  "use strict";
  var KEY = "boxoffice.theme";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY) || ""; } catch (e) { return ""; }  // private mode
  }
  function apply(choice) {
    if (choice === "light" || choice === "dark") root.setAttribute("data-theme", choice);
    else root.removeAttribute("data-theme");
  }
  apply(stored());

  // The door page's "Colours on this device" radios (hidden until this script can honour them).
  document.addEventListener("DOMContentLoaded", function () {
    var radios = document.querySelectorAll('input[name="theme"]');
    radios.forEach(function (radio) {
      radio.checked = radio.value === (stored() || "auto");
      radio.addEventListener("change", function () {
        var choice = radio.value === "auto" ? "" : radio.value;
        try {
          if (choice) localStorage.setItem(KEY, choice); else localStorage.removeItem(KEY);
        } catch (e) { /* private mode: this page only */ }
        apply(choice);
      });
      var box = radio.closest("fieldset");
      if (box) box.hidden = false;
    });
  });
  // Another tab on this device changed it: follow.
  window.addEventListener("storage", function (event) { if (event.key === KEY) apply(event.newValue || ""); });
})();
