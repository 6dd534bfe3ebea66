// Venue mode, layer 2: the door page and its files, kept so an offline reload still opens the door.
// Served by the dashboard at /events/<id>/door/sw.js (boxoffice/door/device_views.py), so its scope is
// that one door. Navigations: the network first, this cache when there is none. Our static files
// (hashed names): this cache first. Nothing else is touched: scans, polls and the copy go to the network.
"use strict";

var CACHE = "brightstar-door";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

// The page names what it needs (itself, its scripts and stylesheets): no list to keep in step here.
self.addEventListener("message", function (event) {
  var urls = event.data && event.data.cache;
  if (!urls) return;
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, { credentials: "same-origin", redirect: "error" }).then(function (response) {
        if (response.ok) return cache.put(url, response);
      }).catch(function () { /* one file missing: the rest still help */ });
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      // Only the door page itself, as its user got it: never a redirect to the login page.
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  // The words of the page's scripts in the staff member's language (Django's catalog, /jsi18n/?l=de):
  // the network first, as for the page, and the copy the page asked to keep when there is none. Its
  // Vary (Accept-Language, Cookie) is ignored: the URL names the language, and logout clears this cache.
  if (url.pathname === "/jsi18n/") {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(request, { ignoreVary: true }).then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});
