// Venue mode, layer 2: this phone keeps scanning when the dashboard does not answer.
// Its own copy of the guest list in IndexedDB (no emails, no barcodes: a hash of each),
// its offline scans queued there too, sent with their keys, times and this phone's id
// when the dashboard answers again. door.js asks it for a verdict; nothing here runs
// on a scan the dashboard answers. A file, never inline: the page runs under a strict CSP.
(function () {
  "use strict";

  var root = document.querySelector(".door[data-device-copy]");
  var wordsBlock = document.getElementById("door-device-words");
  if (!root || !wordsBlock || !window.indexedDB) return;

  var WORDS = JSON.parse(wordsBlock.textContent);
  var EVENT = root.getAttribute("data-event");
  var USER_KEY = root.getAttribute("data-device-key");
  var COPY_URL = root.getAttribute("data-device-copy");
  var UPLOAD_URL = root.getAttribute("data-device-upload");
  var SW_URL = root.getAttribute("data-device-sw");
  // Check-in is closed for this event (not published any more): its copy has no business on the phone.
  var CLOSED = root.hasAttribute("data-device-closed");
  var DB_PREFIX = "brightstar-door:";
  var CACHE = "brightstar-door";
  // A scan or a name search waits this long for the dashboard, then this phone decides (settings.DOOR_DEVICE_ANSWER_MS).
  var ANSWER_WITHIN_MS = Number(root.getAttribute("data-device-answer-ms")) || 2500;
  var PROBE_MS = 5000;          // offline: how often to see whether the dashboard answers again
  var REFRESH_MS = 30000;       // online: how often the copy catches up with the dashboard's replica
  var OVERLAP_MS = 120000;      // a refresh re-reads this much before the last one (clock skew, late rows)
  var UPLOAD_CHUNK = 500;       // boxoffice/door/device_views.py UPLOAD_MAX
  var NOT_IN = 0, IN = 1, VOID = 2;  // boxoffice/door/device.py

  var statusLine = document.getElementById("device-status");
  var riskLine = document.getElementById("device-risk");
  var db = null, meta = null, waiting = 0, timer = null;
  // The copy in memory, built once from IndexedDB (or from the pages as they download): a lookup is a Map
  // read, not a transaction (~2 ms each, ~35 ms at p95 on a 4x slower phone). Parallel arrays, not a row
  // object per ticket, keep 100,000 attendees to a few MB (make bench-door measures it).
  // { at: Map(hash number -> i), names: [], types: [], states: [], letIn: Map(i -> ISO time), hay }; hay: the
  // names folded for the offline name search (device.search), built at its first search.
  var index = null;
  var queued = new Set();  // idempotency keys of the scans waiting on this phone: a repeat is its first verdict
  var stopped = false;
  var indexed = null;  // the index's first build  // the event's check-in closed: nothing more is fetched or kept
  var device = { offline: false, timeout: ANSWER_WITHIN_MS };
  window.BrightStarDoorDevice = device;

  // --- small helpers -----------------------------------------------------------
  function say(name, data) {
    return WORDS[name].replace(/\{(\w+)\}/g, function (all, k) { return data && data[k] !== undefined ? data[k] : all; });
  }
  // Kept per time: toLocaleTimeString builds a formatter on each call (about a millisecond on a slow
  // phone), and every offline verdict names the copy's time.
  var clocks = new Map();
  function clock(iso) {
    if (!iso) return "?";
    if (!clocks.has(iso)) clocks.set(iso, new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    return clocks.get(iso);
  }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  // The door's name as door-name.js put it in the scan form, taken at the scan: it may change before the upload.
  function doorName() {
    var field = document.querySelector("#scan-form [name=gate]");
    return field ? field.value : "";
  }
  function phoneId() {
    var id = null;
    try { id = localStorage.getItem("door.device"); } catch (e) { /* private mode */ }
    if (!id) {
      id = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(8)), function (x) {
        return (x + 256).toString(16).slice(1);
      }).join("");
      try { localStorage.setItem("door.device", id); } catch (e) { /* private mode: one id per page */ }
    }
    return id;
  }
  // The same number as boxoffice/door/device.py cyrb53: what the copy is keyed by.
  function cyrb53(text, seed) {
    var h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
    for (var i = 0, ch; i < text.length; i++) {
      ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }
  function finished(tx) {
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(); };
      tx.onerror = tx.onabort = function () { reject(tx.error); };
    });
  }

  // --- the copy in IndexedDB: tickets (hash -> [name, type, state, let in here at]), queue, meta ---
  function openDb() {
    var r = indexedDB.open(DB_PREFIX + EVENT, 1);
    r.onupgradeneeded = function () {
      r.result.createObjectStore("tickets");
      r.result.createObjectStore("queue", { keyPath: "key" });
      r.result.createObjectStore("meta");
    };
    return request(r);
  }

  // Every copy on this phone, its cached door pages and its service worker: gone at logout or a new user/role.
  function forgetAll() {
    if (db) { db.close(); db = null; }
    meta = null;
    index = null;
    queued = new Set();
    var work = [];
    var names = indexedDB.databases ? indexedDB.databases().then(function (all) {
      return all.map(function (d) { return d.name; });
    }) : Promise.resolve([DB_PREFIX + EVENT]);
    work.push(names.then(function (list) {
      return Promise.all(list.filter(function (n) { return n && n.indexOf(DB_PREFIX) === 0; }).map(function (n) {
        return new Promise(function (resolve) {
          var r = indexedDB.deleteDatabase(n);
          r.onsuccess = r.onerror = r.onblocked = function () { resolve(); };
        });
      }));
    }));
    if (window.caches) work.push(caches.delete(CACHE));
    if (navigator.serviceWorker) {
      work.push(navigator.serviceWorker.getRegistrations().then(function (regs) {
        return Promise.all(regs.map(function (reg) { return reg.unregister(); }));
      }));
    }
    return Promise.all(work).catch(function () { /* best effort: the server-side key check still applies */ });
  }

  // What waits on this phone goes to the dashboard first (this session may still send it), then the copy goes.
  // A scan that cannot be sent is not thrown away silently: `keep` decides (logout asks the volunteer).
  function sendThenForget(forget, keep) {
    var send = db && waiting ? upload() : Promise.resolve({ sent: 0 });
    return send.then(forget, function () { return keep ? keep() : forget(); });
  }
  function forgetThisEvent() {
    if (db) { db.close(); db = null; }
    meta = null;
    index = null;
    queued = new Set();
    var gone = new Promise(function (resolve) {
      var r = indexedDB.deleteDatabase(DB_PREFIX + EVENT);
      r.onsuccess = r.onerror = r.onblocked = function () { resolve(); };
    });
    var page = window.caches ? caches.open(CACHE).then(function (c) { return c.delete(location.pathname); }) : null;
    return Promise.all([gone, page]).catch(function () { /* best effort */ });
  }
  function closed() {
    stopped = true;
    if (timer) { clearTimeout(timer); timer = null; }
    device.offline = false;
    return sendThenForget(forgetThisEvent).then(function () {
      if (statusLine) { statusLine.hidden = true; statusLine.setAttribute("data-state", "closed"); }
    });
  }

  function saveMeta(store) { store.put(meta, "copy"); }

  function fetchJson(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store" }, options || {}))
      .then(function (r) {
        if (r.status === 403) { forgetAll(); throw new Error("no longer allowed"); }
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      });
  }

  // Pages of the copy, each stored with its cursor in one transaction: a lost connection resumes, never restarts.
  function download(since, after) {
    var url = COPY_URL + "?after=" + (since ? after || 0 : meta.next || 0);
    if (since) url += "&since=" + encodeURIComponent(since);
    return fetchJson(url).then(function (page) {
      if (page.ready === false) return;  // the dashboard's replica has not synced yet: next time
      // The event's check-in closed since this page loaded.
      if (page.closed) return closed().then(function () { throw new Error("check-in closed"); });
      if (page.key !== USER_KEY) throw new Error("another user's copy");
      var tx = db.transaction(["tickets", "meta"], "readwrite");
      var tickets = tx.objectStore("tickets");
      var types = meta.types || [];
      var remap = page.types.map(function (name) {
        var at = types.indexOf(name);
        if (at < 0) { types.push(name); at = types.length - 1; }
        return at;
      });
      page.rows.forEach(function (row) {
        var value = [row[1], remap[row[2]], row[3], ""];
        remember(row[0], value, !!since);
        if (!since) { tickets.put(value, row[0]); return; }
        // A refresh never overwrites an admission this phone made and has not sent yet.
        tickets.get(row[0]).onsuccess = function (event) {
          var had = event.target.result;
          if (!(had && had[3])) tickets.put(value, row[0]);
        };
      });
      meta.types = types;
      meta.seed = page.seed;
      if (!since) meta.next = page.next;
      if (page.next === null) { meta.complete = meta.complete || !since; meta.as_of = page.synced_at; }
      saveMeta(tx.objectStore("meta"));
      return finished(tx).then(function () {
        if (page.next !== null) return download(since, page.next);
      });
    });
  }

  // --- the copy in memory -------------------------------------------------------------
  function emptyIndex() { return { at: new Map(), names: [], types: [], states: [], letIn: new Map(), hay: null }; }
  function remember(key, value, refreshing, into) {
    var to = into || index;
    if (!to) return;
    var hash = parseInt(key, 36);  // exact: cyrb53 is below 2^53
    var i = to.at.get(hash);
    if (i === undefined) { i = to.names.length; to.at.set(hash, i); to.hay = null; }
    else if (refreshing && to.letIn.has(i)) return;  // as in IndexedDB: this phone's admission stands
    if (to.names[i] !== value[0]) to.hay = null;  // a new name: the search folds them again, when next it runs
    to.names[i] = value[0];
    to.types[i] = value[1];
    to.states[i] = value[2];
    if (value[3]) to.letIn.set(i, value[3]); else to.letIn.delete(i);
  }
  // Once per page load: two bulk reads (keys, then values, in the same order), no cursor walk; then
  // built in slices, each its own task, so a scan is never stuck behind the whole build (seconds for
  // 100,000 on a slow phone). Until it is whole, lookups read IndexedDB (lookup() below).
  var SLICE = 5000;
  function loadIndex() {
    var started = performance.now();
    var store = db.transaction("tickets").objectStore("tickets");
    return Promise.all([request(store.getAllKeys()), request(store.getAll())]).then(function (both) {
      var keys = both[0], values = both[1], building = emptyIndex();
      return new Promise(function (resolve) {
        var channel = new MessageChannel(), n = 0;
        channel.port1.onmessage = function () {
          for (var end = Math.min(n + SLICE, keys.length); n < end; n++) remember(keys[n], values[n], false, building);
          if (n < keys.length) { channel.port2.postMessage(0); return; }
          channel.port1.close();
          index = building;
          performance.measure("door:index", { start: started, end: performance.now(), detail: keys.length });
          resolve();
        };
        channel.port2.postMessage(0);
      });
    });
  }

  function refresh() {
    if (!meta.complete) return download(null);
    var since = new Date(new Date(meta.as_of).getTime() - OVERLAP_MS).toISOString();
    return download(since);
  }

  // --- deciding here: the lookup from memory; an admission is written (ticket and queue entry) before it shows ---
  device.ready = function () { return !!(db && meta && meta.complete); };

  // While the index is still being built (a few seconds at load for 100,000 on a slow phone, the moment
  // an offline reload needs it most), a lookup reads the one row from IndexedDB instead.
  function lookup(hash) {
    if (index) {
      var i = index.at.get(hash);
      return Promise.resolve(i === undefined ? null : [index.names[i], index.types[i], index.states[i], index.letIn.get(i) || ""]);
    }
    return request(db.transaction("tickets").objectStore("tickets").get(hash.toString(36))).then(function (row) {
      return row || null;
    });
  }

  device.decide = function (code, key) { return decideHash(cyrb53(code, meta.seed), key, code); };
  // A tap on "Check in" in the offline search's list: the row's hash stands for the barcode the copy lacks.
  device.decideRow = function (hash, key) { return decideHash(parseInt(hash, 36), key, ""); };
  function decideHash(hash, key, code) {
    var started = performance.now();
    return lookup(hash).then(function (row) {
      var verdict = judge(row, code, key);
      performance.measure("door:lookup", { start: started, end: performance.now(), detail: key });
      if (!verdict.queued) return verdict;
      // Taken in memory at once, so the next scan of this code (already queued behind this one) is a repeat.
      var now = new Date().toISOString();
      var taken = [row[0], row[1], IN, now];
      note(hash, taken);
      queued.add(key);
      return keep(hash.toString(36), taken, key, code).then(function (stored) {
        if (stored) {
          // IndexedDB knew better (another tab let this ticket in, or a refresh voided it): its row decides.
          note(hash, stored);
          queued.delete(key);
          return judge(stored, code, key);
        }
        waiting += 1;
        show();
        if (!device.offline) schedule(0);  // a tap on a list shown offline, once back online: sent now
        return verdict;
      }, function (error) {
        note(hash, row);
        queued.delete(key);
        throw error;
      });
    });
  }
  function note(hash, row) {
    var i = index && index.at.get(hash);
    if (i === undefined || i === null) return;
    index.states[i] = row[2];
    if (row[3]) index.letIn.set(i, row[3]); else index.letIn.delete(i);
  }

  // Durable before it is shown, and decided again inside the write: if the stored row is no longer
  // admissible, nothing is written and that row comes back.
  function keep(hash, value, key, code) {
    var tx = db.transaction(["tickets", "queue"], "readwrite");
    var tickets = tx.objectStore("tickets"), stored = null;
    tickets.get(hash).onsuccess = function (event) {
      var had = event.target.result;
      if (had && (had[3] || had[2] !== NOT_IN)) { stored = had; return; }
      tickets.put(value, hash);
      // A tap has no barcode: the dashboard finds the ticket by its name and this hash (venue/device.py).
      var scan = code ? { key: key, barcode: code } : { key: key, hash: hash, name: value[0] };
      scan.scanned_at = value[3];
      scan.gate = doorName();
      tx.objectStore("queue").put(scan);
    };
    return finished(tx).then(function () { return stored; });
  }

  // row: [name, ticket type index, state, let in on this phone at (ISO) or ""], or null when unknown.
  function judge(row, code, key) {
    var type = row ? meta.types[row[1]] : "";
    var who = row ? row[0] + (type ? " · " + type : "") : "";
    var asOf = clock(meta.as_of);
    if (queued.has(key)) return admitted(who, asOf, false);  // the same scan again: its first verdict
    if (!row) return refusal("bad", "unknown", "✕", "unknown", "unknown_detail", who, { as_of: asOf });
    if (row[2] === VOID) return refusal("bad", "void", "✕", "void", "void_detail", who, {});
    if (row[3]) return refusal("warn", "duplicate", "!", "duplicate", "duplicate_detail", who, { when: clock(row[3]) });
    if (row[2] === IN) return refusal("warn", "duplicate", "!", "duplicate", "duplicate_copy_detail", who, { as_of: asOf });
    return admitted(who, asOf, true);
  }
  function admitted(who, asOf, queued) {
    return { tone: "ok offline", outcome: "admitted_device", glyph: "✓", word: say("admitted"),
             detail: say("admitted_detail", { as_of: asOf }), who: who, queued: queued };
  }
  function refusal(tone, outcome, glyph, word, detail, who, data) {
    return { tone: tone, outcome: outcome + "_device", glyph: glyph, word: say(word), detail: say(detail, data),
             who: who };
  }

  // --- the name search from the copy: offline, the list the dashboard would give, as far as the copy knows ---
  var FOUND_MAX = 10;  // boxoffice/door/views.py SEARCH_LIMIT
  var SEARCH_MIN = 2;  // as the dashboard: one letter matches half the guest list
  var ASCII = /^[\x00-\x7f]*$/;
  var MARKS = /\p{M}/gu;
  // What toLowerCase leaves that Python's casefold folds further: "ß" (and "ẞ", lowered to it), final "ς",
  // the old Cyrillic letter forms (U+1C80-1C88), and Cherokee, which casefold folds to its capitals.
  var UNFOLDED = /[\u00df\u03c2\u1c80-\u1c88\u13f8-\u13fd\uab70-\uabbf]/g;
  var combining = new Map();  // mark -> whether it has a combining class, asked once per mark
  // The same fold as the dashboard's (boxoffice/venue/names.py), so a name the phone finds offline is one the
  // dashboard finds too: "strasse" finds "Straße", "fiona" "ﬁona", "jose" "JOSÉ". NFKD parts "é" into "e" and
  // a combining mark, and "ﬁ" into "fi"; then the marks go, and only those Python drops: a combining class other
  // than 0. A Devanagari or Thai vowel sign is a mark of class 0 and stays, as it does on the dashboard
  // (it is a letter's sound there, not an accent). JS cannot read a combining class, but NFD shows it: it moves
  // a mark of class 1-239 before U+0345 (class 240, the highest), and one of class 2-240 before U+0334 (class 1).
  function hasClass(mark) {
    var yes = combining.get(mark);
    if (yes === undefined) {
      yes = ("\u0345" + mark).normalize("NFD") !== "\u0345" + mark || (mark + "\u0334").normalize("NFD") !== mark + "\u0334";
      combining.set(mark, yes);
    }
    return yes;
  }
  function refold(ch) {
    if (ch === "\u00df") return "ss";
    if (ch === "\u03c2") return "\u03c3";
    return ch >= "\u1c80" && ch <= "\u1c88" ? ch.toUpperCase().toLowerCase() : ch.toUpperCase();
  }
  // Marks go before the case folds (as in names.py): lowering "İ" would add a dot that no name typed has.
  // Unicode versions apart: a letter newer than the dashboard's Python knows may fold on the phone only.
  function fold(text) {
    if (ASCII.test(text)) return text.toLowerCase();
    return text.normalize("NFKD").replace(MARKS, function (mark) { return hasClass(mark) ? "" : mark; })
      .toLowerCase().replace(UNFOLDED, refold);
  }
  device.fold = fold;  // tests hold it to names.py's, letter by letter
  // Every name folded, in one string with a line break between them, where each starts, and its row's hash:
  // one native indexOf over the string finds the next name that matches, about 3x faster at 100,000 names than a
  // test per name, in about the same memory (make bench-door measures both). Built at the first search of this
  // page (a phone that never searches offline never pays for it), again after a refresh brought a new name.
  function searchable() {
    if (!index.hay) {
      var started = performance.now(), n = index.names.length, parts = new Array(n);
      var starts = new Int32Array(n + 1), hashes = new Float64Array(n), at = 1;
      for (var i = 0; i < n; i++) { parts[i] = fold(index.names[i]); starts[i] = at; at += parts[i].length + 1; }
      starts[n] = at;
      index.at.forEach(function (row, hash) { hashes[row] = hash; });
      index.hay = { text: "\n" + parts.join("\n") + "\n", starts: starts, hashes: hashes };
      performance.measure("door:fold", { start: started, end: performance.now(), detail: n });
    }
    return index.hay;
  }
  // Substring match over every name, in the copy's order: the first ten and how many in all.
  device.search = function (q) {
    return (indexed || Promise.resolve()).then(function () {
      var needle = fold(q.trim()).replace(/\s+/g, " ");  // no line break: a hit stays within one name
      if (!index || needle.length < SEARCH_MIN) return null;
      var hay = searchable(), text = hay.text, starts = hay.starts, started = performance.now();
      var rows = [], total = 0, pos = text.indexOf(needle), lo, hi, mid;
      while (pos >= 0) {
        // The name this hit is in: the last one starting at or before it (the needle holds no line break).
        lo = 0; hi = starts.length - 2;
        while (lo < hi) { mid = (lo + hi + 1) >> 1; if (starts[mid] <= pos) lo = mid; else hi = mid - 1; }
        total += 1;
        if (rows.length < FOUND_MAX) rows.push({ hash: hay.hashes[lo].toString(36), name: index.names[lo],
          type: meta.types[index.types[lo]] || "", state: index.states[lo], letIn: index.letIn.get(lo) || "" });
        pos = text.indexOf(needle, starts[lo + 1]);  // the next name: one hit per name
      }
      performance.measure("door:search", { start: started, end: performance.now(), detail: total });
      return { q: q.trim(), rows: rows, total: total };
    });
  };
  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }
  // The server's list (templates/door/scan.html search_results), from the copy: DOM methods only, the names are
  // anyone's typing. Its "Check in" carries the row's hash; door.js decides the tap (decideRow).
  device.searchList = function (found) {
    var box = document.createDocumentFragment();
    if (!found) return box;
    var notice = element("p", "alert alert-offline", say("found_offline", { as_of: clock(meta.as_of) }));
    notice.setAttribute("data-source", "device");
    box.appendChild(notice);
    if (!found.rows.length) {
      box.appendChild(element("p", "muted", say("found_none", { q: found.q })));
      return box;
    }
    var list = element("ul", "found");
    found.rows.forEach(function (row) {
      var item = element("li", "found-row"), about = element("div");
      item.setAttribute("data-hash", row.hash);
      about.appendChild(element("strong", "", row.name));
      about.appendChild(document.createElement("br"));
      if (row.type) about.appendChild(document.createTextNode(row.type + " · "));
      if (row.state === VOID) about.appendChild(element("span", "badge void", say("badge_void")));
      else if (row.letIn) {
        about.appendChild(element("span", "badge in", say("badge_in_at", { when: clock(row.letIn) })));
      }
      else if (row.state === IN) about.appendChild(element("span", "badge in", say("badge_in")));
      else about.appendChild(element("span", "badge", say("badge_not_in")));
      item.appendChild(about);
      if (row.state === NOT_IN && !row.letIn) {
        // In a form as the server's is, for its layout (door.css .found-row > form); a plain button never submits.
        var form = element("form"), button = element("button", "primary", say("check_in"));
        button.type = "button";
        button.setAttribute("data-device-hash", row.hash);
        button.setAttribute("aria-label", say("check_in_name", { name: row.name }));
        form.appendChild(button);
        item.appendChild(form);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    if (found.total > found.rows.length) {
      box.appendChild(element("p", "help", say("found_more", { shown: found.rows.length, total: found.total })));
    }
    return box;
  };

  // --- offline and back: the queue goes up with its keys and times, chunk by chunk, then the copy catches up ---
  device.wentOffline = function () {
    if (device.offline) return;
    device.offline = true;
    show();
    schedule(PROBE_MS);
  };

  function upload() {
    return request(db.transaction("queue").objectStore("queue").getAll()).then(function (scans) {
      if (!scans.length) return { sent: 0, conflicts: 0 };
      var chunk = scans.slice(0, UPLOAD_CHUNK);
      return fetchJson(UPLOAD_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ device: phoneId(), scans: chunk.map(function (s) {
          var sent = s.barcode ? { barcode: s.barcode } : { hash: s.hash, name: s.name };
          sent.key = s.key;
          sent.scanned_at = s.scanned_at;
          sent.gate = s.gate || "";
          return sent;
        }) }),
      }).then(function (answer) {
        // Recorded on the dashboard, whatever the verdict: off this phone's queue.
        var tx = db.transaction("queue", "readwrite");
        var conflicts = 0;
        answer.results.forEach(function (r) {
          tx.objectStore("queue").delete(r.key);
          queued.delete(r.key);
          if (r.result === "conflict") conflicts += 1;
        });
        return finished(tx).then(function () {
          waiting = Math.max(0, waiting - answer.results.length);
          return upload().then(function (more) {
            return { sent: answer.results.length + more.sent, conflicts: conflicts + more.conflicts };
          });
        });
      });
    });
  }

  function countWaiting() {
    return request(db.transaction("queue").objectStore("queue").getAllKeys()).then(function (keys) {
      queued = new Set(keys);
      waiting = keys.length;
    });
  }

  function tick() {
    timer = null;
    // Both ask the dashboard: with nothing queued, the refresh is what tells whether it answers.
    upload().then(function (sent) {
      return refresh().then(function () {
        var was = device.offline;
        device.offline = false;
        show(was || sent.sent ? sent : null);
      });
    }).catch(function () {
      // Silence is expected offline; online, a failed refresh just waits for the next one.
    }).then(function () { schedule(device.offline ? PROBE_MS : REFRESH_MS); });
  }
  function schedule(ms) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
  }
  device.answered = function () {
    // A scan got the dashboard's answer: if this phone was offline, send its queue now, not at the next probe.
    if (device.offline || waiting) schedule(0);
  };

  // Offline, the strip's and the counters' polls would only fail every 5 s: the probe asks instead.
  document.addEventListener("htmx:confirm", function (event) {
    if (device.offline && event.detail.verb === "get" && event.detail.elt.matches("#door-mode, #counters")) {
      event.preventDefault();
    }
  });

  // --- what the phone says about itself ----------------------------------------------
  function show(sent) {
    if (!statusLine) return;
    var text;
    if (device.offline) text = say("offline", { as_of: clock(meta && meta.as_of), waiting: waiting });
    else if (sent) text = say("synced", { sent: sent.sent }) + (sent.conflicts ? " " + say("conflicts", sent) : "");
    else if (device.ready()) text = say("copy_ready", { as_of: clock(meta.as_of) });
    else text = say("copy_loading");
    if (!window.isSecureContext) text += " " + say("no_reload");
    statusLine.textContent = text;
    statusLine.hidden = false;
    statusLine.setAttribute("data-state", device.offline ? "offline" : device.ready() ? "ready" : "loading");
    statusLine.setAttribute("data-waiting", String(waiting));
    if (riskLine) {
      riskLine.textContent = say("risk");
      riskLine.hidden = !device.offline;
    }
  }

  // --- the service worker: an offline reload of this door, where the page is a secure context ---
  function registerWorker() {
    if (!window.isSecureContext || !navigator.serviceWorker) return;
    navigator.serviceWorker.register(SW_URL).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      var assets = [location.pathname];
      document.querySelectorAll("script[src], link[rel=stylesheet][href]").forEach(function (el) {
        assets.push(el.getAttribute("src") || el.getAttribute("href"));
      });
      if (reg.active) reg.active.postMessage({ cache: assets });
    }).catch(function () { /* no offline reload: the open page still works */ });
  }

  // --- logout clears this phone; a different user or role finds an empty copy --------------
  document.addEventListener("submit", function (event) {
    var logout = event.target.closest && event.target.closest("form.logout");
    if (!logout) return;
    event.preventDefault();
    sendThenForget(forgetAll, function () {
      // Offline with scans nobody else knows of: logging out would throw away who was let in.
      if (window.confirm(say("logout_unsent", { waiting: waiting }))) return forgetAll();
      throw new Error("stay");
    }).then(function () { logout.submit(); }, function () {
      // Stays logged in, its queue kept: the scanner types into the scan field again.
      var field = document.getElementById("scan-input");
      if (field) field.focus();
    });
  }, true);

  function start() {
    return openDb().then(function (opened) {
      db = opened;
      return request(db.transaction("meta").objectStore("meta").get("copy"));
    }).then(function (stored) {
      if (stored && stored.key !== USER_KEY) {
        // This user's copy under another role (a different user logged in elsewhere found it cleared
        // already, app.js): what it admitted offline is sent under this session, then it goes.
        meta = stored;
        return countWaiting().then(function () { return sendThenForget(forgetAll); }).then(start);
      }
      meta = stored || { key: USER_KEY, next: 0, complete: false, types: [], seed: 0 };
      // Decisions may start now; the index (what is stored, read once) follows. A copy still
      // downloading fills it page by page, once it exists: no refresh runs before that.
      indexed = loadIndex();
      return countWaiting();
    });
  }

  if (CLOSED) {
    openDb().then(function (opened) { db = opened; return countWaiting(); }).then(closed, forgetThisEvent);
    return;
  }
  show();
  start().then(function () {
    show();
    registerWorker();
    return indexed.then(function () { schedule(0); });
  }).catch(function () { if (statusLine) statusLine.hidden = true; });
})();
