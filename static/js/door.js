// Door mode: scanner rhythm, idempotent retries, feedback, camera.
// A file, never inline, so the page runs under the strict CSP.
(function () {
  "use strict";
  // Words in the staff member's language: Django's JavaScript catalog (/jsi18n/, loaded by _base.html).
  var gettext = window.gettext || function (text) { return text; };

  var form = document.getElementById("scan-form");
  var input = document.getElementById("scan-input");
  var result = document.getElementById("result");
  if (!form || !input || !result) return;

  var RETRY_WINDOW_MS = 120000;
  var REQUEST_TIMEOUT_MS = 8000;
  var LOG_LENGTH = 25;
  // The last scan that got no verdict: scanning it again reuses its key, so
  // if the first attempt did reach BrightStar the retry replays it instead
  // of admitting (or refusing as "already in") a second time.
  var unanswered = null;

  // --- timing: Enter -> sent -> received -> swapped -> drawn -> painted, as Performance marks ---
  // Read by `make bench-door` (bench/verdict.py). Kept per idempotency key: hx-sync queues scans,
  // so the marks of one scan interleave with the next one's Enter.
  var perf = window.performance && performance.mark ? performance : null;
  var enterAt = 0;
  var timings = {};
  function mark(key, step, at) {
    if (!perf || !key) return;
    var t = timings[key] || (timings[key] = {});
    t[step] = perf.mark("door:" + step, at === undefined ? { detail: key } : { startTime: at, detail: key }).startTime;
  }
  // Just after the frame that holds what the DOM has now: the frame's callbacks, style, layout
  // and paint have run on the main thread, and the next task starts (rAF, then a message).
  function afterFrame(then) {
    requestAnimationFrame(function (frameAt) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { then(frameAt); };
      channel.port2.postMessage(0);
    });
  }
  function painted(key) {
    var t = perf && timings[key];
    if (!t || t.enter === undefined) return;
    delete timings[key];
    var swapped = perf.mark("door:swapped", { detail: key }).startTime;
    requestAnimationFrame(function () { perf.mark("door:drawing", { detail: key }); });
    afterFrame(function () {
      var drawn = perf.mark("door:drawn", { detail: key }).startTime;
      perf.measure("door:frame", { start: t.enter, end: drawn, detail: key });
      // The hand measurement: two animation frames after the panel changed. By construction
      // it waits for a whole second frame too (>= 16.7 ms at 60 Hz on top of the first): door:frame is
      // when the verdict's frame was made.
      requestAnimationFrame(function () {
        var end = perf.mark("door:painted", { detail: key }).startTime;
        perf.measure("door:verdict", { start: t.enter, end: end, detail: key });
        if (t.sent !== undefined && t.received !== undefined) {
          perf.measure("door:request", { start: t.sent, end: t.received, detail: key });
          perf.measure("door:swap", { start: t.received, end: swapped, detail: key });
        }
      });
    });
  }
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") enterAt = event.timeStamp;
  });

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // Plain http on a venue LAN is not a secure context: no randomUUID there.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function keyFor(code) {
    if (unanswered && unanswered.barcode === code && Date.now() - unanswered.at < RETRY_WINDOW_MS) return unanswered.key;
    return uuid();
  }

  // Capture the code when Enter is pressed, not when the request leaves:
  // hx-sync queues scans behind the one in flight and would otherwise read
  // the field later, when it holds the next code (or nothing).
  document.addEventListener("htmx:confirm", function (event) {
    if (event.detail.elt !== form) return;
    var device = window.BrightStarDoorDevice;
    // A queued scan is confirmed again when its turn comes: it already has its code.
    // If this phone went offline meanwhile, it decides the scan itself.
    if (event.detail.etc.values) {
      if (device && device.offline && device.ready()) { event.preventDefault(); decideHere(event.detail.etc.values); }
      return;
    }
    var code = input.value.trim();
    input.value = "";
    if (!code) { event.preventDefault(); return; }
    var key = keyFor(code);
    // The keydown's own time when Enter started this submit; now, for a click or the camera.
    mark(key, "enter", enterAt && performance.now() - enterAt < 1000 ? enterAt : undefined);
    enterAt = 0;
    event.detail.etc.values = { barcode: code, idempotency_key: key };
    if (device && device.ready()) {
      // Offline already: no request to wait for. Online: a short wait, then this phone decides.
      if (device.offline) { event.preventDefault(); decideHere(event.detail.etc.values); return; }
      event.detail.etc.timeout = device.timeout;
    } else {
      event.detail.etc.timeout = REQUEST_TIMEOUT_MS;
    }
    // The last verdict belongs to the last person: it must not stand over the next one. Once htmx
    // has sent the request (a microtask runs after this event's whole dispatch): the scan leaves first.
    queueMicrotask(function () { showPanel("pending", "pending", "…", gettext("Checking…"), code); });
  });

  // --- the panel: a glyph, a word and a shape per verdict (door.css), never colour alone ---
  function showPanel(tone, outcome, glyph, word, detail) {
    var panel = document.createElement("div");
    panel.className = "result " + tone;
    panel.setAttribute("data-outcome", outcome);
    var big = document.createElement("p");
    big.className = "result-word";
    if (glyph) {
      var mark = document.createElement("span");
      mark.className = "verdict-mark";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = glyph;
      big.appendChild(mark);
    }
    var text = document.createElement("span");
    text.textContent = word;
    big.appendChild(text);
    panel.appendChild(big);
    if (detail) {
      var more = document.createElement("p");
      more.className = "result-detail";
      more.textContent = detail;
      panel.appendChild(more);
    }
    // "Checking…" and "Ready" are not news: only the verdict that follows is announced.
    result.setAttribute("aria-busy", tone === "pending" ? "true" : "false");
    result.replaceChildren(panel);
    return panel;
  }
  function showingVerdict() {
    var panel = result.querySelector(".result");
    return panel && !panel.matches(".idle, .pending");
  }
  // Searching for the next person starts a new check-in: clear the last one's verdict.
  var search = document.getElementById("door-search");
  if (search) search.addEventListener("input", function () {
    if (showingVerdict()) showPanel("idle", "idle", "", gettext("Ready to scan"), "");
  });
  input.addEventListener("input", function () {
    if (showingVerdict()) showPanel("idle", "idle", "", gettext("Ready to scan"), "");
  });
  // On a phone the panel sits above the search list: a tap's verdict must come into view,
  // not land off screen while only a badge in the list changes.
  // Read in the next frame's callbacks, after every change this verdict makes: reading it at once
  // would lay the page out twice (now, and again for the frame after the log's changes).
  function bringIntoView(panel) {
    requestAnimationFrame(function () {
      var box = panel.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) result.scrollIntoView({ block: "start" });
    });
  }

  function scanValues(detail) {
    return (detail && detail.etc && detail.etc.values) || null;
  }

  // Venue mode, layer 2 (door-device.js): the verdict from this phone's own copy. A scan brings its barcode;
  // a tap in the offline search's list, the row's hash.
  function decideHere(values) {
    unanswered = null;
    var device = window.BrightStarDoorDevice;
    var decided = values.hash ? device.decideRow(values.hash, values.idempotency_key)
      : device.decide(values.barcode, values.idempotency_key);
    decided.then(function (v) {
      var panel = showPanel(v.tone, v.outcome, v.glyph, v.word, v.detail);
      if (v.who) {
        var who = document.createElement("p");
        who.className = "result-who";
        who.textContent = v.who;
        panel.insertBefore(who, panel.children[1] || null);
      }
      panel.classList.add("fresh");
      painted(values.idempotency_key);
      bringIntoView(panel);
      addLog(v.tone, v.glyph, v.word, v.who || values.barcode || "", v.outcome);
      feedback(v.tone.split(" ")[0]);
      focusScan();
      // As the dashboard's answer to a tap does: the list shows states, so it asks again.
      if (values.hash && window.htmx) window.htmx.trigger(document.body, "door:refresh");
    }, function () {
      // This phone could not write the admission down: nobody was let in, and the staff must know.
      var panel = showPanel("none", "unanswered", "?", gettext("No answer — scan again"),
        gettext("This phone could not record the scan. Scan the same code again."));
      panel.classList.add("fresh");
      painted(values.idempotency_key);
      addLog("none", "?", gettext("No answer"), values.barcode || "", "unanswered");
      feedback("none");
    });
  }

  // --- the name search: the dashboard's list online; offline, or silent past the phone's short wait,
  // this phone's copy answers (door-device.js), and a tap on its "Check in" is decided here as a scan is.
  var searchResults = document.getElementById("search-results");
  function searchHere() {
    var device = window.BrightStarDoorDevice;
    device.search(search.value).then(function (found) { searchResults.replaceChildren(device.searchList(found)); });
  }
  document.addEventListener("htmx:confirm", function (event) {
    var device = window.BrightStarDoorDevice;
    // Without a copy, the dashboard answers or fails as before.
    if (!search || event.detail.elt !== search || !device || !device.ready()) return;
    if (device.offline) { event.preventDefault(); searchHere(); return; }
    event.detail.etc.timeout = device.timeout;
  });
  function searchUnanswered(event) {
    var device = window.BrightStarDoorDevice;
    if (!search || event.detail.elt !== search || !device || !device.ready()) return;
    device.wentOffline();
    searchHere();
  }
  document.addEventListener("htmx:sendError", searchUnanswered);
  document.addEventListener("htmx:timeout", searchUnanswered);
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status >= 500) searchUnanswered(event);
  });
  if (searchResults) searchResults.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-device-hash]");
    if (button) decideHere({ hash: button.getAttribute("data-device-hash"), idempotency_key: uuid() });
  });

  function noAnswer(detail) {
    var values = scanValues(detail);
    var device = window.BrightStarDoorDevice;
    if (values && device && device.ready()) {
      device.wentOffline();
      decideHere(values);
      return;
    }
    if (values) unanswered = { barcode: values.barcode, key: values.idempotency_key, at: Date.now() };
    var panel = showPanel("none", "unanswered", "?", gettext("No answer — scan again"),
      gettext("The dashboard did not answer. Scan the same code again: it cannot let anyone in twice."));
    panel.classList.add("fresh");
    if (values) painted(values.idempotency_key);
    bringIntoView(panel);
    addLog("none", "?", gettext("No answer"), values ? values.barcode : "", "unanswered");
    feedback("none");
  }

  function addLog(tone, glyph, word, who, outcome) {
    var log = document.getElementById("scan-log");
    if (!log) return;
    var item = document.createElement("li");
    item.className = "log-item " + tone;
    item.setAttribute("data-outcome", outcome);
    var mark = document.createElement("span");
    mark.className = "verdict-mark";
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = glyph;
    item.appendChild(mark);
    item.appendChild(document.createTextNode(" "));
    var strong = document.createElement("strong");
    strong.textContent = word;
    item.appendChild(strong);
    item.appendChild(document.createTextNode(" " + who));
    log.prepend(item);
  }

  document.addEventListener("htmx:beforeSend", function (event) {
    var values = event.detail.elt === form && scanValues(event.detail);
    if (values) mark(values.idempotency_key, "sent");
  });
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var values = event.detail.elt === form && scanValues(event.detail);
    if (values) mark(values.idempotency_key, "received");
  });

  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.detail.elt === form) noAnswer(event.detail);
    });
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (event.detail.elt === form && status !== 403) noAnswer(event.detail);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // Fired on every swapped element (the log's out-of-band line too): the panel only.
    if (event.target !== result) return;
    var panel = result.querySelector(".result");
    if (!panel) return;
    result.setAttribute("aria-busy", "false");
    panel.classList.add("fresh");
    bringIntoView(panel);
    var outcome = panel.getAttribute("data-outcome");
    var values = scanValues(event.detail);
    var fromScan = event.detail.requestConfig && event.detail.requestConfig.elt === form;
    if (values && fromScan) {
      painted(values.idempotency_key);
      if (window.BrightStarDoorDevice) window.BrightStarDoorDevice.answered();
      if (outcome === "unanswered") {
        unanswered = { barcode: values.barcode, key: values.idempotency_key, at: Date.now() };
      } else if (unanswered && unanswered.key === values.idempotency_key) {
        unanswered = null;
      }
    }
    var undo = panel.querySelector("form.undo[data-expires]");
    if (undo) {
      setTimeout(function () { undo.remove(); }, 1000 * Number(undo.getAttribute("data-expires")));
    }
    var log = document.getElementById("scan-log");
    while (log && log.children.length > LOG_LENGTH) log.lastElementChild.remove();
    feedback(panel.classList.contains("ok") ? "ok" : panel.classList.contains("warn") ? "warn"
      : panel.classList.contains("bad") ? "bad" : "none");
    focusScan();
  });

  // --- focus: the field is always ready for the next scan --------------------
  function typingElsewhere(el) {
    return el && el !== input && el.matches("input[type=search], input[type=text], select, textarea");
  }
  function focusScan() {
    // Someone typing in the search box keeps their focus; otherwise back to scanning. Already
    // there (a scanner's usual case): no focus() call, which would make the browser update the
    // page's style at once, inside the task that swapped the verdict in.
    var at = document.activeElement;
    if (at !== input && !typingElsewhere(at)) input.focus({ preventScroll: true });
  }
  input.addEventListener("blur", function (event) {
    // Clicking on nothing in particular must not leave the scanner typing into the void.
    var to = event.relatedTarget;
    if (!to || !to.matches("input, select, textarea, button, a, summary, [tabindex]")) setTimeout(focusScan, 0);
  });
  // A scanner "types" wherever focus is: send stray keystrokes to the field.
  document.addEventListener("keydown", function (event) {
    if (document.activeElement === document.body && event.key.length === 1 && !event.ctrlKey && !event.metaKey) {
      input.focus();
    }
  });

  // --- sound and vibration, remembered on this device ------------------------
  var prefs = { sound: "door.sound", vibrate: "door.vibrate" };
  var audio = null;
  function pref(name) { try { return localStorage.getItem(prefs[name]) === "1"; } catch (e) { return false; } }
  [["sound", "sound-toggle"], ["vibrate", "vibrate-toggle"]].forEach(function (pair) {
    var box = document.getElementById(pair[1]);
    if (!box) return;
    if (pair[0] === "vibrate" && !navigator.vibrate) { box.closest("label").hidden = true; return; }
    box.checked = pref(pair[0]);
    box.addEventListener("change", function () {
      try { localStorage.setItem(prefs[pair[0]], box.checked ? "1" : "0"); } catch (e) { /* private mode */ }
      if (pair[0] === "sound" && box.checked) beep([[880, 0.08]]);
      input.focus();
    });
  });

  // A tap on a colour choice hands the scanner its field back; arrow keys between the
  // radios (clicks with detail 0) keep the focus where the keyboard user is.
  document.querySelectorAll('.toggles input[name="theme"]').forEach(function (radio) {
    radio.addEventListener("click", function (event) { if (event.detail) input.focus(); });
  });

  function beep(notes) {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    audio = audio || new Ctx();
    var at = audio.currentTime;
    notes.forEach(function (note) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = note[0];
      gain.gain.setValueAtTime(0.2, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + note[1]);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + note[1]);
      at += note[1] + 0.05;
    });
  }
  var SOUNDS = { ok: [[1320, 0.12]], warn: [[660, 0.12], [660, 0.12]], bad: [[220, 0.45]], none: [[440, 0.1]] };
  var BUZZ = { ok: [60], warn: [80, 60, 80], bad: [400], none: [40] };
  // Once the verdict's frame is made: an AudioContext's first start and the oscillators cost
  // milliseconds that the panel must not wait for; the ear hears a few ms later, never sooner.
  function feedback(tone) {
    afterFrame(function () {
      if (pref("sound")) beep(SOUNDS[tone]);
      if (pref("vibrate") && navigator.vibrate) navigator.vibrate(BUZZ[tone]);
    });
  }

  // --- camera: BarcodeDetector, or the vendored decoder in a worker ---------
  var camButton = document.getElementById("camera-button");
  var camBox = document.getElementById("camera");
  var video = document.getElementById("camera-video");
  var camStatus = document.getElementById("camera-status");
  var stream = null, timer = null, worker = null, detector = null, busy = false, last = { code: "", at: 0 };
  if (camButton && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) camButton.hidden = false;

  function found(code) {
    // The camera sees the same code many times a second: one scan per ticket.
    if (!code || (code === last.code && Date.now() - last.at < 3000)) return;
    last = { code: code, at: Date.now() };
    input.value = code;
    form.requestSubmit();
  }

  function tick() {
    if (busy || !video || video.readyState < 2) return;
    busy = true;
    if (detector) {
      detector.detect(video).then(function (codes) {
        busy = false;
        if (codes.length) found(codes[0].rawValue);
      }, function () { busy = false; });
      return;
    }
    var canvas = tick.canvas || (tick.canvas = document.createElement("canvas"));
    var w = Math.min(video.videoWidth, 640);
    var h = Math.round(video.videoHeight * w / video.videoWidth);
    canvas.width = w; canvas.height = h;
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, w, h);
    worker.postMessage({ id: Date.now(), type: "decode", data: ctx.getImageData(0, 0, w, h) });
  }

  function startCamera() {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.play();
      camBox.hidden = false;
      camButton.setAttribute("aria-pressed", "true");
      if ("BarcodeDetector" in window) {
        detector = new window.BarcodeDetector();
      } else {
        // Loaded only now: the decoder is not part of the page's weight.
        worker = new Worker(camButton.getAttribute("data-decoder"));
        worker.onmessage = function (event) {
          busy = false;
          if (event.data && event.data.type === "qrResult") found(event.data.data);
        };
      }
      camStatus.textContent = gettext("Point the camera at the ticket's code.");
      timer = setInterval(tick, 200);
    }, function () {
      camStatus.textContent = gettext("The camera is not available: allow it in the browser, or type the code.");
      camBox.hidden = false;
    });
  }

  function stopCamera() {
    clearInterval(timer);
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    if (worker) worker.terminate();
    stream = worker = detector = null;
    busy = false;
    camBox.hidden = true;
    camButton.setAttribute("aria-pressed", "false");
    input.focus();
  }

  if (camButton) camButton.addEventListener("click", function () { if (stream) stopCamera(); else startCamera(); });
})();
