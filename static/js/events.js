// Event pages: after a form comes back with errors, put the cursor on the first
// field to fix, so nobody has to hunt for what went wrong (loaded as a file: strict CSP).
(function () {
  "use strict";
  function focusFirstError(root) {
    var invalid = root.querySelector ? root.querySelector('[aria-invalid="true"]') : null;
    if (invalid) invalid.focus();
  }
  document.addEventListener("htmx:load", function (event) { focusFirstError(event.detail.elt); });
})();
