// The door's name on this device ("North entrance"): asked once, kept in localStorage, shown in the
// page's header, changeable, and sent with each scan as `gate`, with this phone's id as `device`
// (the doors overview counts per door). A file, never inline: the page runs under a strict CSP.
(function () {
  "use strict";

  var KEY = "door.gate";
  var DEVICE_KEY = "door.device";  // shared with door-device.js, which makes the same kind of id
  var scanForm = document.getElementById("scan-form");
  var ask = document.getElementById("door-name-form");
  var shown = document.getElementById("door-name-shown");
  if (!scanForm || !ask || !shown) return;
  var field = ask.querySelector("input");
  var nameOut = shown.querySelector("[data-door-name]");

  function stored(key) {
    try { return localStorage.getItem(key) || ""; } catch (e) { return ""; }  // private mode
  }
  function store(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* private mode: this page only */ }
  }
  function deviceId() {
    var id = stored(DEVICE_KEY);
    if (!id) {
      id = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(8)), function (x) {
        return (x + 256).toString(16).slice(1);
      }).join("");
      store(DEVICE_KEY, id);
    }
    return id;
  }

  var gate = stored(KEY).trim().slice(0, field.maxLength > 0 ? field.maxLength : 100);
  var device = deviceId();

  function show() {
    scanForm.elements.gate.value = gate;
    scanForm.elements.device.value = device;
    nameOut.textContent = gate;
    shown.hidden = !gate;
    ask.hidden = !!gate;
  }

  ask.addEventListener("submit", function (event) {
    event.preventDefault();
    var name = field.value.trim();
    if (!name) { field.focus(); return; }
    gate = name;
    store(KEY, gate);
    show();
    var scan = document.getElementById("scan-input");
    if (scan) scan.focus();
  });
  shown.querySelector("button").addEventListener("click", function () {
    field.value = gate;
    ask.hidden = false;
    shown.hidden = true;
    field.focus();
    field.select();
  });

  // A tap on a name in the search list posts its own little form: the door's name goes with it too.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "post" || event.detail.path !== scanForm.getAttribute("action")) return;
    var params = event.detail.parameters;
    if (gate && !params.gate) params.gate = gate;
    if (!params.device) params.device = device;
  });

  show();
})();
