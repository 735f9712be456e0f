/* The phone's own copy of the shopper's work, in IndexedDB: the one queue that the
 * pages and the service worker (through importScripts) both read and write.
 *
 * drafts:  one record per (person, assignment): the report body, a revision
 *          number, whether the server has it yet, and the server's saved_at.
 * photos:  photos not yet uploaded, as ArrayBuffers (iOS Safari has lost Blobs
 *          kept in IndexedDB), indexed by draft key.
 * outbox:  submissions waiting to be sent, each with the client_id made when
 *          the shopper tapped "Send", so a retry is recognised by the server.
 * pages:   the assignment, checklist and visit a page was rendered with.
 *
 * Keys are "<person id>:<assignment id>" so two people sharing a phone never
 * send each other's work.
 */
(function (field) {
  "use strict";

  var NAME = "shopper-field";
  var STORES = ["drafts", "photos", "outbox", "pages"];
  var opening = null;
  var memory = null; // when IndexedDB is unavailable (some private modes)

  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      if (!self.indexedDB) return reject(new Error("no IndexedDB"));
      var request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("drafts", { keyPath: "key" });
        db.createObjectStore("photos", { keyPath: "id" }).createIndex("key", "key");
        db.createObjectStore("outbox", { keyPath: "key" });
        db.createObjectStore("pages", { keyPath: "key" });
      };
      request.onsuccess = function () {
        var db = request.result;
        // Another tab upgrading the schema: let it, this tab reopens on next use.
        db.onversionchange = function () { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error("IndexedDB blocked")); };
    }).catch(function (error) {
      memory = memory || {};
      STORES.forEach(function (name) { memory[name] = memory[name] || new Map(); });
      field.store.persistent = false;
      throw error;
    });
    return opening;
  }

  function clone(value) {
    return value === undefined ? undefined : structuredCloneSafe(value);
  }

  function structuredCloneSafe(value) {
    if (typeof structuredClone === "function") return structuredClone(value);
    return value; // old browsers: the in-memory fallback shares objects, which is harmless here
  }

  /* Run `work(stores)` in one transaction; resolves with its result once committed. */
  function run(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var result;
        Promise.resolve(work(stores)).then(function (value) { result = value; }, reject);
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error || new Error("transaction failed")); };
      });
    }, function () {
      return work(null);
    });
  }

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function get(name, key) {
    return run([name], "readonly", function (s) {
      return s ? request(s[name].get(key)) : clone(memory[name].get(key));
    });
  }

  function put(name, value) {
    return run([name], "readwrite", function (s) {
      if (s) return request(s[name].put(value));
      memory[name].set(name === "photos" ? value.id : value.key, clone(value));
    });
  }

  function remove(name, key) {
    return run([name], "readwrite", function (s) {
      if (s) return request(s[name].delete(key));
      memory[name].delete(key);
    });
  }

  /* Read, change and write one record in one transaction: `change(old)` returns the new
     record, or undefined to leave it as it is. Resolves with what was written. */
  function update(name, key, change) {
    return run([name], "readwrite", function (s) {
      if (!s) {
        var next = change(clone(memory[name].get(key)));
        if (next !== undefined) memory[name].set(key, clone(next));
        return next;
      }
      return request(s[name].get(key)).then(function (current) {
        var next = change(current);
        if (next !== undefined) s[name].put(next);
        return next;
      });
    });
  }

  /* The draft keys that have photos waiting, without loading the photos themselves. */
  function keysWithPhotos() {
    return run(["photos"], "readonly", function (s) {
      if (!s) return Array.from(new Set(Array.from(memory.photos.values(), function (p) { return p.key; })));
      return new Promise(function (resolve, reject) {
        var keys = [];
        var cursor = s.photos.index("key").openKeyCursor(null, "nextunique");
        cursor.onsuccess = function () {
          if (!cursor.result) return resolve(keys);
          keys.push(cursor.result.key);
          cursor.result.continue();
        };
        cursor.onerror = function () { reject(cursor.error); };
      });
    });
  }

  function all(name) {
    return run([name], "readonly", function (s) {
      return s ? request(s[name].getAll()) : Array.from(memory[name].values()).map(clone);
    });
  }

  function photosOf(key) {
    return run(["photos"], "readonly", function (s) {
      if (!s) return Array.from(memory.photos.values()).filter(function (p) { return p.key === key; });
      return request(s.photos.index("key").getAll(key));
    }).then(function (photos) {
      return photos.sort(function (a, b) { return a.createdAt - b.createdAt; });
    });
  }

  /* Everything of one assignment goes at once: after a successful submission. */
  function forget(key) {
    return run(["drafts", "photos", "outbox"], "readwrite", function (s) {
      if (!s) {
        memory.drafts.delete(key);
        memory.outbox.delete(key);
        memory.photos.forEach(function (p, id) { if (p.key === key) memory.photos.delete(id); });
        return;
      }
      s.drafts.delete(key);
      s.outbox.delete(key);
      return request(s.photos.index("key").getAllKeys(key)).then(function (ids) {
        ids.forEach(function (id) { s.photos.delete(id); });
      });
    });
  }

  function uuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.from(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  field.store = {
    persistent: true,
    key: function (user, assignment) { return user + ":" + assignment; },
    open: open,
    get: get,
    put: put,
    remove: remove,
    update: update,
    all: all,
    keysWithPhotos: keysWithPhotos,
    photosOf: photosOf,
    forget: forget,
    uuid: uuid,
  };

  // Ask the browser not to evict the drafts under storage pressure (granted or not, harmless).
  // A page only: workers have no persist().
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
})(self.ShopperField = self.ShopperField || {});
