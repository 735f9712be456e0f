/* Sending the phone's work to the server: one pass, run by a page (sync.js) or, with
 * no page open, by the service worker on a Background Sync event (sw.js).
 *
 * One pass goes through every assignment of one person that has something waiting
 * on the phone, in this order:
 *   1. the draft (PUT), which also makes the visit exist before any photo;
 *   2. each waiting photo, one request each, so one failure stops nothing else;
 *   3. the queued submission, once all its photos are on the server. It carries
 *      the client_id made when "Send" was tapped, so a retry after a lost
 *      answer is recognised by the server and never makes a second report.
 * Passes never overlap, across tabs and the worker (Web Locks): each reads the
 * queue afresh, so what one pass sent the next one no longer finds.
 */
(function (field) {
  "use strict";

  var store = field.store;
  var LOCK = "shopper-field-sync";

  /* No connection, or a server that could not answer now: try again later. */
  class Offline extends Error {}
  /* Nobody (or somebody else) is signed in: wait until the person signs in. */
  class Stop extends Error {}

  /* Run `work` while no other pass runs, in any tab or in the worker. */
  function exclusive(work) {
    return navigator.locks ? navigator.locks.request(LOCK, work) : work();
  }

  /* The draft keys ("<person>:<assignment>") with something waiting, for everyone on this phone. */
  async function pending() {
    var lists = await Promise.all([store.all("drafts"), store.all("outbox"), store.keysWithPhotos()]);
    var keys = new Set();
    lists[0].forEach(function (d) { if (d.dirty) keys.add(d.key); });
    lists[1].forEach(function (e) { if (e.state === "waiting") keys.add(e.key); });
    lists[2].forEach(function (k) { keys.add(k); });
    return Array.from(keys);
  }

  /* Who is signed in here and a fresh CSRF token: {user, csrf_token}, or null when nobody is. */
  async function whoIsSignedIn(sessionUrl) {
    var response;
    try {
      response = await fetch(sessionUrl, { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      throw new Offline(error.message);
    }
    if (response.status >= 500) throw new Offline("server answered " + response.status);
    var answer = response.ok && !response.redirected ? await response.json().catch(function () { return null; }) : null;
    return answer && answer.user ? answer : null;
  }

  function errorOf(answer) {
    return (answer.json && answer.json.error) || { message: String(answer.status), fields: {} };
  }

  /* The sender of one person's work. options: user, api, session (URLs), csrf, emit(detail). */
  function create(options) {
    var user = options.user;
    var csrf = options.csrf || "";
    var emit = options.emit;

    async function refreshToken() {
      var answer = await whoIsSignedIn(options.session);
      if (!answer || answer.user !== user) {
        emit({ kind: "session", state: "signin" });
        throw new Stop("not signed in as " + user);
      }
      csrf = answer.csrf_token;
    }

    /* One API request; answers {status, json}, or throws Offline / Stop. */
    async function call(method, url, body, retried) {
      if (navigator.onLine === false) throw new Offline("offline");
      var init = {
        method: method,
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      };
      if (body instanceof FormData) {
        init.body = body;
      } else if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      var response;
      try {
        response = await fetch(url, init);
      } catch (error) {
        throw new Offline(error.message);
      }
      var json = null;
      if (response.status !== 204) json = await response.json().catch(function () { return null; });
      var code = json && json.error ? json.error.code : null;
      if (response.status === 400 && code === "csrf_failed" && !retried) {
        await refreshToken();
        return call(method, url, body, true);
      }
      if (response.status === 401 || (response.redirected && !json)) {
        emit({ kind: "session", state: "signin" });
        throw new Stop("signed out");
      }
      if (response.status >= 500 || response.status === 408 || response.status === 429) {
        throw new Offline("server answered " + response.status);
      }
      return { status: response.status, json: json };
    }

    /* The draft reached the server: clean unless it changed meanwhile. */
    function markSaved(key, rev, visit) {
      return store.update("drafts", key, function (draft) {
        if (!draft) return undefined;
        var known = new Set(draft.known || []);
        visit.photos.forEach(function (photo) { known.add(photo.id); });
        return Object.assign({}, draft, {
          visitId: visit.id,
          serverSavedAt: visit.saved_at,
          dirty: draft.rev === rev ? false : draft.dirty,
          rejectedRev: null,
          known: Array.from(known),
        });
      });
    }

    function addKnown(key, photoId) {
      return store.update("drafts", key, function (draft) {
        if (!draft) return undefined;
        var known = draft.known || [];
        return known.indexOf(photoId) >= 0 ? undefined : Object.assign({}, draft, { known: known.concat([photoId]) });
      });
    }

    function savePage(key, visit) {
      return store.update("pages", key, function (page) {
        if (!page) return undefined;
        var assignment = Object.assign({}, page.assignment, { status: visit.status, visit_id: visit.id });
        return Object.assign({}, page, { visit: visit, assignment: assignment });
      });
    }

    /* A photo whose upload reached the server but whose answer was lost: find it there. */
    async function adoptLost(visitId, key, photo) {
      var answer = await call("GET", options.api + "/visits/" + visitId);
      if (answer.status !== 200) return null;
      var draft = await store.get("drafts", key);
      var known = new Set((draft && draft.known) || []);
      var found = answer.json.photos.find(function (p) {
        return p.question === photo.question && p.width === photo.width && p.height === photo.height && !known.has(p.id);
      });
      if (found) await addKnown(key, found.id);
      return found || null;
    }

    async function uploadPhoto(assignment, key, visitId, photo) {
      var base = { kind: "photo", assignment: assignment, id: photo.id, question: photo.question };
      emit(Object.assign({ state: "uploading" }, base));
      var adopted = photo.attempted && photo.width ? await adoptLost(visitId, key, photo) : null;
      if (adopted) {
        await store.remove("photos", photo.id);
        emit(Object.assign({ state: "uploaded", photo: adopted }, base));
        return true;
      }
      await store.update("photos", photo.id, function (p) { return p && Object.assign(p, { attempted: true }); });
      var form = new FormData();
      form.append("question", photo.question);
      if (photo.takenAt) form.append("taken_at", photo.takenAt);
      form.append("file", new Blob([photo.bytes], { type: photo.type }), photo.name || "photo.jpg");
      var answer;
      try {
        answer = await call("POST", options.api + "/visits/" + visitId + "/photos", form);
      } catch (error) {
        emit(Object.assign({ state: "waiting" }, base));
        throw error;
      }
      if (answer.status === 201) {
        await addKnown(key, answer.json.id);
        await store.remove("photos", photo.id);
        emit(Object.assign({ state: "uploaded", photo: answer.json }, base));
        return true;
      }
      if (answer.status === 409) {
        emit({ kind: "save", state: "conflict", assignment: assignment, error: errorOf(answer) });
        return false;
      }
      // 413, 422: this file will never be accepted. Drop it and say why on its question.
      await store.remove("photos", photo.id);
      emit(Object.assign({ state: "failed", error: errorOf(answer) }, base));
      return true;
    }

    async function syncAssignment(assignment) {
      var key = store.key(user, assignment);
      var draft = await store.get("drafts", key);
      var entry = await store.get("outbox", key);
      if (entry && entry.state !== "waiting") entry = null; // refused or in conflict: the shopper decides
      var photos = await store.photosOf(key);
      var visitId = (draft && draft.visitId) || (entry && entry.visitId) || null;

      var draftDue = draft && draft.dirty && !entry && draft.rejectedRev !== draft.rev;
      if (draftDue || (photos.length && !visitId)) {
        var body = entry ? Object.assign({}, entry.body, { client_id: undefined }) : draft ? draft.body : {};
        var rev = draft ? draft.rev : null;
        emit({ kind: "save", state: "saving", assignment: assignment });
        var saved;
        try {
          saved = await call("PUT", options.api + "/assignments/" + assignment + "/visit", body);
        } catch (error) {
          if (error instanceof Offline) emit({ kind: "save", state: "offline", assignment: assignment });
          throw error;
        }
        if (saved.status === 200) {
          visitId = saved.json.id;
          await markSaved(key, rev, saved.json);
          emit({ kind: "save", state: "saved", assignment: assignment, visit: saved.json });
        } else {
          var conflict = saved.status === 409;
          // Not again until the shopper changes something: the same body would be refused the same way.
          if (draft) {
            await store.update("drafts", key, function (d) { return d && d.rev === rev ? Object.assign(d, { rejectedRev: rev }) : undefined; });
          }
          emit({ kind: "save", state: conflict ? "conflict" : "rejected", assignment: assignment, error: errorOf(saved) });
          if (conflict || !visitId) return;
        }
      }

      for (var i = 0; i < photos.length; i += 1) {
        if (!(await uploadPhoto(assignment, key, visitId, photos[i]))) return;
      }

      if (!entry || (await store.photosOf(key)).length) return;
      emit({ kind: "submission", state: "sending", assignment: assignment });
      var sent;
      try {
        sent = await call("POST", options.api + "/assignments/" + assignment + "/visit/submit", entry.body);
      } catch (error) {
        emit({ kind: "submission", state: "waiting", assignment: assignment });
        throw error;
      }
      if (sent.status === 200) {
        await store.forget(key);
        await savePage(key, sent.json);
        emit({ kind: "submission", state: "sent", assignment: assignment, visit: sent.json });
        return;
      }
      var state = sent.status === 422 ? "refused" : "conflict";
      var problem = errorOf(sent);
      await store.update("outbox", key, function (e) {
        return e && e.clientId === entry.clientId ? Object.assign(e, { state: state, error: problem }) : undefined;
      });
      emit({ kind: "submission", state: state, assignment: assignment, error: problem });
    }

    /* Everything this person has waiting on the phone; call it inside exclusive(). */
    async function sendAll() {
      var prefix = user + ":";
      var mine = (await pending()).filter(function (k) { return k.indexOf(prefix) === 0; });
      for (var i = 0; i < mine.length; i += 1) {
        await syncAssignment(Number(mine[i].slice(prefix.length)));
      }
    }

    return { call: call, sendAll: sendAll };
  }

  field.sender = {
    TAG: "shopper-send", // the Background Sync tag the pages register and the worker answers
    create: create,
    exclusive: exclusive,
    pending: pending,
    whoIsSignedIn: whoIsSignedIn,
    Offline: Offline,
    Stop: Stop,
  };
})(self.ShopperField = self.ShopperField || {});
