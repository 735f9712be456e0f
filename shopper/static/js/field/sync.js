/* The page's side of sending the phone's work (the pass itself is in sender.js).
 *
 * A pass runs on load, on `online`, when the page comes back into view, after
 * each change, and with a growing delay after a failed attempt. Where the
 * browser has Background Sync, anything left waiting is also handed to the
 * service worker, which sends it when the connection returns even with no page
 * open; where it has not (Safari, Firefox), the page says so: the work leaves
 * only while a page of the app is open.
 *
 * Pages listen to `field:sync` events on document to show what happened, whether
 * this page or the worker did it.
 */
(function (field) {
  "use strict";

  var config = JSON.parse(document.getElementById("field-data").textContent);
  var strings = JSON.parse(document.getElementById("field-strings").textContent);
  var sender = field.sender;
  var PAGES_CACHE = "shopper-pages-v1";
  // Becomes false if registering fails (no worker, or background sync blocked for the site).
  var background = "serviceWorker" in navigator && "SyncManager" in window;

  function text(name, params) {
    var value = strings[name] || name;
    return value.replace(/%\((\w+)\)s/g, function (whole, key) {
      return params && params[key] !== undefined ? String(params[key]) : whole;
    });
  }

  function emit(detail) {
    document.dispatchEvent(new CustomEvent("field:sync", { detail: detail }));
  }

  var meta = document.querySelector('meta[name="csrf-token"]');
  var pass = sender.create({
    user: config.user,
    api: config.api,
    session: config.session,
    csrf: meta ? meta.content : "",
    emit: emit,
  });

  function giveUpBackground() {
    if (!background) return;
    background = false;
    emit({ kind: "background", state: "unavailable" });
  }

  /* Ask the service worker to send what is waiting once there is a connection, page or not. */
  function later() {
    if (!background) return Promise.resolve(false);
    return navigator.serviceWorker.ready
      .then(function (registration) { return registration.sync.register(sender.TAG); })
      .then(function () { return true; }, function (error) {
        console.warn("background sync unavailable:", error);
        giveUpBackground();
        return false;
      });
  }

  var running = null;
  var again = false;
  var timer = null;
  var failures = 0;

  function retryLater() {
    clearTimeout(timer);
    failures += 1;
    timer = setTimeout(flush, Math.min(60000, 2000 * Math.pow(2, failures - 1)));
    later();
  }

  /* One pass at a time in this tab, and (where the browser has Web Locks) across tabs and the worker. */
  function flush() {
    if (running) {
      again = true;
      return running;
    }
    clearTimeout(timer);
    running = sender.exclusive(pass.sendAll)
      .then(function () { failures = 0; }, function (error) {
        if (error instanceof sender.Offline) retryLater();
        else if (!(error instanceof sender.Stop)) console.error(error);
      })
      .then(function () {
        running = null;
        if (again) {
          again = false;
          flush();
        }
      });
    return running;
  }

  /* Keep this page and the list in the phone's cache so they open without a connection. */
  async function keepOffline() {
    if (!window.caches) return;
    var cache = await caches.open(PAGES_CACHE);
    var urls = Array.from(new Set([location.pathname, config.home]));
    for (var i = 0; i < urls.length; i += 1) {
      if (await cache.match(urls[i], { ignoreVary: true })) continue;
      try {
        var response = await fetch(urls[i], { credentials: "same-origin" });
        if (response.ok && !response.redirected) await cache.put(urls[i], response);
      } catch (error) {
        // offline right now: the worker caches the page on the next visit
      }
    }
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    // What the worker sent while this page is open is shown here too.
    navigator.serviceWorker.addEventListener("message", function (event) {
      var message = event.data || {};
      if (message.sent && message.user === config.user) emit(message.sent);
    });
    navigator.serviceWorker.startMessages();
    navigator.serviceWorker
      .register(config.worker)
      .then(function () { return navigator.serviceWorker.ready; })
      .then(keepOffline)
      .then(function () { document.documentElement.dataset.offline = "ready"; })
      .catch(function (error) {
        giveUpBackground();
        console.warn("offline use unavailable:", error);
      });
  }

  function start() {
    registerWorker();
    window.addEventListener("online", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") flush();
      else if (running) later(); // the page may be closed before this pass ends
    });
    return flush();
  }

  field.sync = {
    config: config,
    text: text,
    call: pass.call,
    flush: flush,
    later: later,
    /* True when what waits is sent even with every page closed. */
    inBackground: function () { return background; },
    start: start,
  };
})(window.ShopperField = window.ShopperField || {});
