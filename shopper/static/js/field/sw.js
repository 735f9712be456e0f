/* The service worker of the shopper's pages, served at /sw.js so its scope is the whole site.
 * SETTINGS (version, assets, page paths) is written above this line by the server.
 *
 * - The list and report pages: network first (the freshest status), the cached
 *   copy when there is no connection or it is too slow.
 * - Versioned CSS/JS (?v=<content hash>): cache first; a new version is a new URL.
 * - Photos of the shopper's own reports: cache first (a photo never changes).
 * - Everything else, and every API write, goes to the network untouched.
 * - Signing out empties the cached pages and photos: the next person on this
 *   phone must not see them. (Unsent drafts stay in IndexedDB under their
 *   owner's id, and only their owner's session sends them.)
 * - Background Sync: a page registers the tag when something waits to be sent;
 *   the browser wakes this worker once there is a connection, page open or not,
 *   and the worker sends the signed-in person's queue itself (sender.js, the
 *   same pass the pages run, never at the same time as theirs).
 */
"use strict";

importScripts.apply(self, SETTINGS.scripts); // store.js, sender.js: the queue shared with the pages

var STATIC = "shopper-static";
var PAGES = "shopper-pages-v1";
var PHOTOS = "shopper-photos";
var NETWORK_WAIT_MS = 4000;
var ASSETS = SETTINGS.assets.map(function (path) { return new URL(path, self.location.origin).href; });
var ASSET_PATHS = ASSETS.map(function (href) { return new URL(href).pathname; });

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC)
      .then(function (cache) { return cache.addAll(ASSETS); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.open(STATIC)
      .then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.map(function (request) {
            return ASSETS.indexOf(request.url) < 0 ? cache.delete(request) : null;
          }));
        });
      })
      .then(function () { return self.clients.claim(); })
  );
});

function isShopperPage(path) {
  if (path === "/" || path === SETTINGS.home) return true;
  var rest = path.slice(SETTINGS.visit_page.length);
  return path.indexOf(SETTINGS.visit_page) === 0 && /^\d+$/.test(rest);
}

function wait(ms) {
  return new Promise(function (resolve) { setTimeout(resolve, ms); });
}

async function page(event) {
  var request = event.request;
  var url = new URL(request.url);
  var cache = await caches.open(PAGES);
  var network = fetch(request).then(async function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      await cache.put(url.href, response.clone());
    }
    return response;
  });
  event.waitUntil(network.catch(function () {}));
  async function cached() {
    var hit = await cache.match(url.href, { ignoreVary: true });
    // "/" sends each person to their home; without a connection, the shopper's list.
    if (!hit && url.pathname === "/") hit = await cache.match(new URL(SETTINGS.home, url).href, { ignoreVary: true });
    return hit;
  }
  try {
    return await Promise.race([
      network,
      wait(NETWORK_WAIT_MS).then(async function () { return (await cached()) || network; }),
    ]);
  } catch (error) {
    var hit = await cached();
    if (hit) return hit;
    throw error;
  }
}

async function asset(event) {
  var request = event.request;
  var cache = await caches.open(STATIC);
  if (new URL(request.url).searchParams.has("v")) {
    var hit = await cache.match(request);
    if (hit) return hit;
    try {
      var response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (error) {
      // An older cached page asks for an older version: the current one serves it.
      var current = await cache.match(request, { ignoreSearch: true });
      if (current) return current;
      throw error;
    }
  }
  var stored = await cache.match(request);
  var fresh = fetch(request).then(async function (response) {
    if (response.ok) await cache.put(request, response.clone());
    return response;
  });
  if (!stored) return fresh;
  event.waitUntil(fresh.catch(function () {}));
  return stored;
}

async function photo(request) {
  var cache = await caches.open(PHOTOS);
  var hit = await cache.match(request);
  if (hit) return hit;
  var response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (request.method === "POST" && url.pathname === SETTINGS.sign_out) {
      event.waitUntil(Promise.all([caches.delete(PAGES), caches.delete(PHOTOS)]));
    }
    return; // writes are never answered from a cache
  }
  if (request.mode === "navigate" && isShopperPage(url.pathname)) {
    event.respondWith(page(event));
  } else if (ASSET_PATHS.indexOf(url.pathname) >= 0) {
    event.respondWith(asset(event));
  } else if (url.pathname.indexOf(SETTINGS.photos) === 0) {
    event.respondWith(photo(request));
  }
});

/* A teller of what a pass does to the person's open pages, in the order it happens. */
function teller(user) {
  var told = Promise.resolve();
  function tell(detail) {
    told = told.then(function () {
      // Pages opened before the worker took control count too.
      return self.clients.matchAll({ type: "window", includeUncontrolled: true });
    }).then(function (clients) {
      clients.forEach(function (client) { client.postMessage({ user: user, sent: detail }); });
    });
  }
  tell.done = function () { return told; };
  return tell;
}

async function sendWaiting(event) {
  var sender = self.ShopperField.sender;
  try {
    await sender.exclusive(async function () {
      if (!(await sender.pending()).length) return;
      // The session cookie says whose work may go, and gives the CSRF token the API wants.
      var session = await sender.whoIsSignedIn(SETTINGS.session);
      if (!session) return; // signed out: the person's next signed-in page sends it
      var tell = teller(session.user);
      var pass = sender.create({
        user: session.user,
        csrf: session.csrf_token,
        api: SETTINGS.api,
        session: SETTINGS.session,
        emit: tell,
      });
      try {
        await pass.sendAll();
      } finally {
        await tell.done();
      }
    });
  } catch (error) {
    // Rejecting asks the browser to try again later; after its last try, the next page open sends it.
    if (error instanceof sender.Offline && !event.lastChance) throw error;
    if (!(error instanceof sender.Offline || error instanceof sender.Stop)) throw error;
  }
}

self.addEventListener("sync", function (event) {
  if (event.tag === self.ShopperField.sender.TAG) event.waitUntil(sendWaiting(event));
});
