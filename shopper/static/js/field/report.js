/* The report page: fill the form, keep every change on the phone at once, send it.
 *
 * The draft shown on opening is the newer of the phone's copy and the server's:
 * the phone's wins when it holds changes the server has not acknowledged and
 * that were made after the server's copy was saved (or on top of that very
 * copy), or when it knows a later server save than the page it was opened with
 * (a page served from the phone's cache).
 */
(function (field) {
  "use strict";

  var sync = field.sync;
  var store = field.store;
  var config = sync.config;
  var text = sync.text;
  var assignment = config.assignment;
  var key = store.key(config.user, assignment.id);
  var form = document.getElementById("report");
  // Statuses, limits and rules come from the server (shopper/field/client.py), never a copy.
  var statuses = config.statuses;
  var NA = config.na;

  /* "What to observe" opens the first time this assignment is opened here, then stays folded. */
  (function briefing() {
    var observe = document.getElementById("observe");
    var seen = "shopper:briefing-seen:" + config.user + ":" + assignment.id;
    try {
      if (!observe || window.localStorage.getItem(seen)) return;
      window.localStorage.setItem(seen, "1");
      observe.open = true;
    } catch (error) {
      // No storage (private mode): folded, one tap opens it.
    }
  })();

  if (!form) {
    settle().finally(sync.start);
    return;
  }

  var questions = [];
  config.checklist.sections.forEach(function (section) {
    section.questions.forEach(function (q) { questions.push(q); });
  });
  var byCode = {};
  questions.forEach(function (q) { byCode[q.code] = q; });

  var $ = function (id) { return document.getElementById(id); };
  var els = {
    body: $("report-body"),
    problems: $("problems"),
    problemList: document.querySelector("#problems ul"),
    submission: $("submission-status"),
    send: $("send-report"),
    afterSend: $("after-send"),
    signIn: $("sign-in-again"),
    status: $("sync-status"),
    progress: $("progress"),
    progressText: $("progress-text"),
    badge: document.querySelector("#status-badge .badge"),
  };

  var visit = config.visit;
  var serverPhotos = (visit && visit.photos) || [];
  var localPhotos = [];
  var photoErrors = {};
  var photoStates = {};
  var objectUrls = new Map();
  var badValues = {};
  var locked = false;
  var refused = false; // the server's "fix these" stays on screen until the shopper changes something
  var sending = false;
  var keepTimer = null;
  var serverTimer = null;
  var BAD = {};

  /* ---- reading and writing the form ---- */

  function inputs(name) {
    return form.querySelectorAll('[name="' + name + '"]');
  }

  function readValue(q) {
    var found = inputs("a-" + q.code);
    if (!found.length) return null;
    if (found[0].type === "radio") {
      var checked = Array.prototype.find.call(found, function (r) { return r.checked; });
      if (!checked) return null;
      if (checked.value === NA) return NA;
      return q.type === "scale" ? parseInt(checked.value, 10) : checked.value;
    }
    var el = found[0];
    if (q.type === "text") return el.value.trim() ? el.value : null;
    var na = inputs("a-" + q.code + "-na")[0];
    if (na && na.checked) return NA;
    if (el.value === "") return el.validity && el.validity.badInput ? BAD : null;
    var number = Number(el.value);
    return isFinite(number) ? number : BAD;
  }

  function writeValue(q, value) {
    var found = inputs("a-" + q.code);
    Array.prototype.forEach.call(found, function (el) {
      if (el.type === "radio") el.checked = value !== null && value !== undefined && el.value === String(value);
      else el.value = value === null || value === undefined || value === NA ? "" : String(value);
    });
    var na = inputs("a-" + q.code + "-na")[0];
    if (na) na.checked = value === NA;
  }

  function readBody() {
    badValues = {};
    var answers = {};
    questions.forEach(function (q) {
      var value = readValue(q);
      if (value === BAD) {
        badValues[q.code] = true;
        value = null;
      }
      var comment = inputs("a-" + q.code + "-comment")[0].value;
      comment = comment.trim() ? comment : "";
      if (value !== null || comment) answers[q.code] = { value: value, comment: comment };
    });
    return {
      visited_on: $("visited_on").value || null,
      time_in: $("time_in").value ? $("time_in").value.slice(0, 5) : null,
      time_out: $("time_out").value ? $("time_out").value.slice(0, 5) : null,
      answers: answers,
    };
  }

  function fill(body) {
    $("visited_on").value = body.visited_on || "";
    $("time_in").value = body.time_in || "";
    $("time_out").value = body.time_out || "";
    questions.forEach(function (q) {
      var answer = (body.answers || {})[q.code] || {};
      writeValue(q, answer.value);
      var comment = inputs("a-" + q.code + "-comment")[0];
      comment.value = answer.comment || "";
      if (answer.comment) comment.closest("details").open = true;
    });
  }

  function bodyOf(v) {
    return v
      ? { visited_on: v.visited_on, time_in: v.time_in, time_out: v.time_out, answers: v.answers || {} }
      : { visited_on: null, time_in: null, time_out: null, answers: {} };
  }

  /* ---- the server's rules, as the page gives them (config.needs, config.visit_rules) ---- */

  function answered(value) {
    return typeof value === "string" ? value.trim() !== "" : value !== null && value !== undefined;
  }

  // Photos chosen but still being shrunk: they hold their place, so that
  // photos picked in quick succession cannot pass the limit together.
  var photosArriving = {};

  function photoCount(code) {
    var count = photosArriving[code] || 0;
    serverPhotos.forEach(function (p) { if (p.question === code) count += 1; });
    localPhotos.forEach(function (p) { if (p.question === code) count += 1; });
    return count;
  }

  function isoDay(date) {
    var pad = function (n) { return String(n).padStart(2, "0"); };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function minutes(hhmm) {
    return parseInt(hhmm.slice(0, 2), 10) * 60 + parseInt(hhmm.slice(3, 5), 10);
  }

  /* The server's rule (services/visits.py, given in config.visit_rules): out at least a minute after in. */
  function outOfOrder(body) {
    if (!body.time_in || !body.time_out) return false;
    return minutes(body.time_out) - minutes(body.time_in) < config.visit_rules.min_minutes;
  }

  /* Said next to the time out as soon as both times are filled, not only on Send. */
  function checkTimes() {
    var body = readBody();
    var t = target("time_out");
    var wrong = outOfOrder(body);
    t.card.classList.toggle("invalid", wrong);
    if (wrong) t.error.textContent = config.visit_rules.time_order;
    if (wrong || t.error.textContent === config.visit_rules.time_order) t.error.hidden = !wrong;
  }

  /* Which questions a complete report must answer, and which need a photo (domain/answers.py). */
  var needs = { answer: new Set(config.needs.answer), photo: new Set(config.needs.photo) };

  function check(body) {
    var problems = {};
    var latest = new Date();
    latest.setDate(latest.getDate() + config.visit_rules.days_ahead);
    if (!body.visited_on) problems.visited_on = text("date_missing");
    else if (body.visited_on > isoDay(latest)) problems.visited_on = text("date_future");
    if (!body.time_in) problems.time_in = text("time_in_missing");
    if (!body.time_out) problems.time_out = text("time_out_missing");
    else if (outOfOrder(body)) problems.time_out = config.visit_rules.time_order;
    questions.forEach(function (q) {
      var field = "answers." + q.code;
      var value = body.answers[q.code] ? body.answers[q.code].value : null;
      var hasPhoto = photoCount(q.code) > 0;
      if (badValues[q.code]) problems[field] = text("must_be_number");
      else if (needs.answer.has(q.code) && !answered(value)) problems[field] = text("answer_required");
      else if (needs.photo.has(q.code) && !hasPhoto) problems[field] = text("photo_required");
    });
    return problems;
  }

  /* ---- progress, status, problems ---- */

  /* Each item of the form in page order, and whether it holds something. */
  function filledItems(body) {
    var filled = {
      visited_on: !!body.visited_on,
      time_in: !!body.time_in,
      time_out: !!body.time_out,
    };
    questions.forEach(function (q) {
      filled["answers." + q.code] = q.type === "photo"
        ? photoCount(q.code) > 0
        : !!(body.answers[q.code] && answered(body.answers[q.code].value));
    });
    return filled;
  }

  /* One count for the whole form: the visit's date and times are items like the questions.
   * An item is done when it is filled and nothing is wrong with it (a question that needs a
   * photo is done with its photo), so done + still required never exceeds the total. */
  function progress() {
    var body = readBody();
    var problems = check(body);
    var filled = filledItems(body);
    var items = Object.keys(filled);
    var done = items.filter(function (item) { return filled[item] && !problems[item]; }).length;
    var missing = Object.keys(problems).length;
    els.progress.max = items.length;
    els.progress.value = done;
    els.progressText.textContent =
      text("answered", { answered: done, total: items.length }) +
      " · " + (missing ? text("required_left", { count: missing }) : text("required_done"));
  }

  /* The first item not done yet (the send button when all are), in view and focused. */
  function nextUnanswered() {
    var body = readBody();
    var problems = check(body);
    var filled = filledItems(body);
    var item = Object.keys(filled).find(function (name) { return !filled[name] || problems[name]; });
    var goal = item ? target(item).card : els.send;
    goal.scrollIntoView({ block: "center" });
    goal.focus({ preventScroll: true });
  }

  function status(message, state) {
    els.status.textContent = message;
    els.status.dataset.state = state || "";
  }

  function target(field) {
    if (field.indexOf("answers.") === 0) {
      var code = field.slice(8);
      return { card: $("a-" + code + "-card"), error: $("a-" + code + "-error"), label: byCode[code] ? byCode[code].text : code };
    }
    return { card: $(field + "-field"), error: $(field + "-error"), label: text(field) };
  }

  function unmark(field) {
    var t = target(field);
    if (t.card) t.card.classList.remove("invalid");
    if (t.error) t.error.hidden = true;
  }

  function hideProblems() {
    els.problems.hidden = true;
    form.querySelectorAll(".invalid").forEach(function (el) { el.classList.remove("invalid"); });
    form.querySelectorAll(".q-error, .field .error").forEach(function (el) { el.hidden = true; });
  }

  /* List every problem above the send button, mark each item, scroll to the first one. */
  function showProblems(problems, quiet) {
    hideProblems();
    var order = ["visited_on", "time_in", "time_out"].concat(questions.map(function (q) { return "answers." + q.code; }));
    var fields = Object.keys(problems).sort(function (a, b) {
      var i = order.indexOf(a), j = order.indexOf(b);
      return (i < 0 ? order.length : i) - (j < 0 ? order.length : j);
    });
    els.problemList.textContent = "";
    var first = null;
    fields.forEach(function (field) {
      var t = target(field);
      var item = document.createElement("li");
      var line = t.label + ": " + problems[field];
      if (t.card) {
        var link = document.createElement("a");
        link.href = "#" + t.card.id;
        link.textContent = line;
        item.appendChild(link);
        t.card.classList.add("invalid");
        first = first || t.card;
      } else {
        item.textContent = line;
      }
      if (t.error) {
        t.error.textContent = problems[field];
        t.error.hidden = false;
      }
      els.problemList.appendChild(item);
    });
    els.problems.hidden = fields.length === 0;
    if (quiet) return;
    var goal = first || els.problems;
    goal.scrollIntoView({ block: "center" });
    goal.focus({ preventScroll: true });
  }

  var SHORT = { sending: "sending", waiting: "waiting", sent: "sent" };
  var LONG = { sending: "sending", waiting: "waiting_detail", sent: "sent_detail" };
  var shown = null;

  function showSubmission(state, message) {
    shown = state;
    els.submission.hidden = !state;
    if (!state) return;
    var long = message || text(LONG[state]);
    // "You may close this page" only where the service worker sends it with no page open.
    if (state === "waiting" && !sync.inBackground()) long = text("waiting_keep_open");
    els.submission.textContent = long;
    els.submission.className = "submission-status submission-" + state;
    status(message || text(SHORT[state]), state);
    els.send.hidden = true; // on its way, or done: no faded "Send" to tap
    if (state === "sent" || state === "conflict") {
      els.afterSend.hidden = false;
      form.classList.add("report-closed"); // nothing left to change: the controls go (field.css)
    }
    if (state === "sent") {
      if (els.badge) {
        els.badge.textContent = text("status_submitted");
        els.badge.className = "badge status-" + statuses.sent;
      }
    }
  }

  function lock() {
    locked = true;
    els.body.disabled = true;
  }

  function unlock() {
    locked = false;
    sending = false;
    els.body.disabled = false;
    els.send.disabled = false;
    els.send.hidden = false;
  }

  /* ---- photos ---- */

  function urlOf(photo) {
    if (!objectUrls.has(photo.id)) {
      objectUrls.set(photo.id, URL.createObjectURL(new Blob([photo.bytes], { type: photo.type })));
    }
    return objectUrls.get(photo.id);
  }

  function photoItem(src, alt, state, attribute, id) {
    var item = document.createElement("li");
    var image = document.createElement("img");
    image.src = src;
    image.alt = alt;
    image.width = 96;
    item.appendChild(image);
    if (state) {
      var note = document.createElement("span");
      note.className = "photo-state";
      note.textContent = state;
      item.appendChild(note);
      item.className = "pending";
    }
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link-button";
    remove.setAttribute(attribute, id);
    remove.textContent = text("photo_remove");
    item.appendChild(remove);
    return item;
  }

  function renderPhotos(code) {
    var list = $("a-" + code + "-photos");
    if (!list) return;
    var alt = text("photo_for", { question: byCode[code].text });
    list.textContent = "";
    serverPhotos.forEach(function (p) {
      if (p.question === code) list.appendChild(photoItem(p.thumbnail_url, alt, "", "data-remove-server", p.id));
    });
    localPhotos.forEach(function (p) {
      if (p.question !== code) return;
      // Offline, nothing is uploading, whatever the last pass said: the photo waits.
      var uploading = photoStates[p.id] === "uploading" && navigator.onLine !== false;
      var state = text(uploading ? "photo_uploading" : "photo_waiting");
      list.appendChild(photoItem(urlOf(p), alt, state, "data-remove-local", p.id));
    });
    if (photoErrors[code]) {
      var error = document.createElement("li");
      error.className = "error";
      error.textContent = photoErrors[code];
      list.appendChild(error);
    }
  }

  function renderAllPhotos() {
    questions.forEach(function (q) { renderPhotos(q.code); });
  }

  function forgetUrl(id) {
    if (objectUrls.has(id)) URL.revokeObjectURL(objectUrls.get(id));
    objectUrls.delete(id);
  }

  function limitMessage() {
    return text("photo_limit", { count: config.max_photos });
  }

  async function addPhoto(code, file) {
    if (photoCount(code) >= config.max_photos) {
      photoErrors[code] = limitMessage();
      renderPhotos(code);
      return;
    }
    photosArriving[code] = (photosArriving[code] || 0) + 1;
    try {
      await keepPhoto(code, file);
    } finally {
      photosArriving[code] -= 1;
    }
  }

  async function keepPhoto(code, file) {
    var shrunk;
    try {
      shrunk = await field.photos.shrink(file);
    } catch (error) {
      photoErrors[code] = text("photo_unreadable");
      renderPhotos(code);
      return;
    }
    // The draft goes with the photo: it makes the visit exist on the server before the upload.
    await keep();
    var photo = {
      id: store.uuid(),
      key: key,
      user: config.user,
      assignment: assignment.id,
      question: code,
      bytes: shrunk.bytes,
      type: shrunk.type,
      width: shrunk.width,
      height: shrunk.height,
      name: shrunk.type === "image/jpeg" ? "photo.jpg" : file.name,
      // Shrinking drops EXIF; the file's own time is when the camera made it.
      takenAt: new Date(file.lastModified || Date.now()).toISOString(),
      createdAt: Date.now(),
    };
    await store.put("photos", photo);
    localPhotos.push(photo);
    // A refused photo's message stays while the question is still full (an earlier
    // photo finishing after the refusal must not wipe it away).
    var full = photoCount(code) >= config.max_photos;
    if (!(full && photoErrors[code] === limitMessage())) delete photoErrors[code];
    unmark("answers." + code);
    renderPhotos(code);
    progress();
    sync.flush();
  }

  async function removePhoto(button) {
    if (!window.confirm(text("photo_remove_confirm"))) return;
    var localId = button.getAttribute("data-remove-local");
    if (localId) {
      var photo = localPhotos.find(function (p) { return p.id === localId; });
      await store.remove("photos", localId);
      localPhotos = localPhotos.filter(function (p) { return p.id !== localId; });
      forgetUrl(localId);
      if (photo) renderPhotos(photo.question);
      progress();
      return;
    }
    var serverId = Number(button.getAttribute("data-remove-server"));
    var server = serverPhotos.find(function (p) { return p.id === serverId; });
    var visitId = (visit && visit.id) || null;
    var answer;
    try {
      answer = await sync.call("DELETE", config.api + "/visits/" + visitId + "/photos/" + serverId);
    } catch (error) {
      status(text("photo_needs_connection"));
      return;
    }
    if (answer.status === 204 || answer.status === 404) {
      serverPhotos = serverPhotos.filter(function (p) { return p.id !== serverId; });
      if (server) renderPhotos(server.question);
      progress();
    }
  }

  /* ---- keeping the draft ---- */

  /* Every keystroke is written at once, synchronously, to localStorage: the phone's
     database is asynchronous, and a page reloaded straight after typing would lose
     what it had not committed yet. keep() moves it into the draft, then drops it. */
  var pendingKey = "shopper-pending:" + key;
  var stashedAt = 0;

  function stash() {
    stashedAt = Date.now();
    try {
      window.localStorage.setItem(pendingKey, JSON.stringify({ at: stashedAt, body: readBody() }));
    } catch (error) { /* no storage: the draft timer still keeps it */ }
  }

  function pending() {
    try {
      return JSON.parse(window.localStorage.getItem(pendingKey) || "null");
    } catch (error) {
      return null;
    }
  }

  function unstash(upTo) {
    var held = pending();
    if (held && (upTo === undefined || held.at <= upTo)) window.localStorage.removeItem(pendingKey);
  }

  async function keep() {
    clearTimeout(keepTimer);
    keepTimer = null;
    var keptAt = stashedAt;
    var body = readBody();
    await store.update("drafts", key, function (draft) {
      return {
        key: key,
        user: config.user,
        assignment: assignment.id,
        body: body,
        rev: ((draft && draft.rev) || 0) + 1,
        dirty: true,
        changedAt: Date.now(),
        serverSavedAt: draft ? draft.serverSavedAt : visit ? visit.saved_at : null,
        visitId: (draft && draft.visitId) || (visit && visit.id) || null,
        known: draft ? draft.known : serverPhotos.map(function (p) { return p.id; }),
        rejectedRev: draft ? draft.rejectedRev : null,
      };
    });
    unstash(keptAt);
    refused = false;
    if (!locked) status(store.persistent ? text("saved_here") : text("no_storage"));
    progress();
    clearTimeout(serverTimer);
    serverTimer = setTimeout(function () {
      serverTimer = null;
      sync.flush();
    }, 1200);
  }

  function keepSoon(delay) {
    clearTimeout(keepTimer);
    keepTimer = setTimeout(keep, delay);
  }

  function changed(event) {
    var el = event.target;
    if (locked || !el.name || el.type === "file") return;
    var card = el.closest(".form-question, .field");
    if (card) unmark(card.dataset.question ? "answers." + card.dataset.question : card.id.replace(/-field$/, ""));
    if (el.name === "time_in" || el.name === "time_out") checkTimes();
    var typing = el.tagName === "TEXTAREA" || el.type === "number";
    stash();
    keepSoon(event.type === "input" && typing ? 300 : 0);
  }

  function now(name) {
    var input = $(name);
    var date = new Date();
    var pad = function (n) { return String(n).padStart(2, "0"); };
    input.value = name === "visited_on" ? isoDay(date) : pad(date.getHours()) + ":" + pad(date.getMinutes());
    unmark(name);
    if (name !== "visited_on") checkTimes();
    keep();
  }

  /* ---- sending ---- */

  async function send(event) {
    event.preventDefault();
    if (sending || locked) return;
    sending = true;
    els.send.disabled = true; // a second tap finds the button disabled
    try {
      await keep();
      var body = readBody();
      var problems = check(body);
      if (Object.keys(problems).length) {
        showProblems(problems);
        sending = false;
        els.send.disabled = false;
        return;
      }
      hideProblems();
      var queued = await store.get("outbox", key);
      var clientId = queued && queued.state === "waiting" ? queued.clientId : store.uuid();
      await store.put("outbox", {
        key: key,
        user: config.user,
        assignment: assignment.id,
        clientId: clientId,
        visitId: (visit && visit.id) || null,
        body: Object.assign({ client_id: clientId }, body),
        state: "waiting",
        queuedAt: Date.now(),
      });
      lock();
      showSubmission(navigator.onLine === false ? "waiting" : "sending");
      sync.later();
      sync.flush();
    } catch (error) {
      unlock();
      throw error;
    }
  }

  function onSync(event) {
    var d = event.detail;
    if (d.kind === "background") {
      if (shown === "waiting") showSubmission("waiting");
      return;
    }
    if (d.kind === "session") {
      els.signIn.hidden = false;
      status(text("sign_in"));
      return;
    }
    if (d.assignment !== assignment.id) return;
    var step = d.kind + ":" + d.state;
    var quiet = locked || refused;
    if (step === "save:saving" && !quiet) status(text("saving"));
    else if (step === "save:saved") {
      visit = d.visit;
      serverPhotos = d.visit.photos;
      renderAllPhotos();
      if (!quiet) status(text("saved"));
    } else if (step === "save:offline" && !quiet) status(text("offline"));
    else if (step === "save:rejected") {
      status(text("not_saved", { message: d.error.message }));
      if (d.error.fields) showProblems(d.error.fields, true);
    } else if (step === "save:conflict") {
      lock();
      showSubmission("conflict", d.error.message);
    } else if (d.kind === "photo") {
      photoStates[d.id] = d.state;
      if (d.state === "uploaded" || d.state === "failed") {
        localPhotos = localPhotos.filter(function (p) { return p.id !== d.id; });
        forgetUrl(d.id);
      }
      if (d.state === "uploaded") serverPhotos = serverPhotos.concat([d.photo]);
      if (d.state === "failed") photoErrors[d.question] = text("photo_failed", { message: d.error.message });
      renderPhotos(d.question);
      progress();
    } else if (d.kind === "submission") {
      if (d.state === "refused") {
        store.remove("outbox", key);
        unlock();
        showSubmission(null);
        refused = true;
        status(text("refused"));
        showProblems(d.error.fields || {});
      } else if (d.state === "conflict") {
        store.remove("outbox", key);
        showSubmission("conflict", d.error.message);
      } else {
        showSubmission(d.state);
      }
    }
  }

  /* ---- opening the page ---- */

  function phoneWins(draft, server) {
    if (!server) return true;
    var saved = Date.parse(server.saved_at);
    if (draft.serverSavedAt && Date.parse(draft.serverSavedAt) > saved) return true;
    if (!draft.dirty) return false;
    return draft.serverSavedAt === server.saved_at || draft.changedAt > saved;
  }

  async function init() {
    var page = await store.get("pages", key).catch(function () { return null; });
    var status_ = assignment.status;
    if (page && page.visit && (!visit || Date.parse(page.visit.saved_at) > Date.parse(visit.saved_at))) {
      visit = page.visit; // this page came from the phone's cache; the phone knows better
      serverPhotos = visit.photos;
      status_ = visit.status;
    }
    await store.put("pages", {
      key: key,
      assignment: Object.assign({}, assignment, { status: status_ }),
      checklist: config.checklist,
      visit: visit,
      storedAt: Date.now(),
    }).catch(function () {});
    if (statuses.editable.indexOf(status_) < 0) {
      unstash();
      fill(bodyOf(visit));
      showSubmission("sent");
      lock();
      return;
    }
    var draft = await store.get("drafts", key).catch(function () { return null; });
    if (draft && phoneWins(draft, visit)) {
      fill(draft.body);
    } else {
      fill(bodyOf(visit));
      if (draft) {
        await store.put("drafts", Object.assign({}, draft, {
          body: readBody(), dirty: false, rev: draft.rev + 1,
          serverSavedAt: visit.saved_at, visitId: visit.id,
        }));
      }
    }
    // Typed just before the page went away, not yet in the draft: it is the newest.
    var held = pending();
    if (held && (!visit || held.at > Date.parse(visit.saved_at))) {
      fill(held.body);
      stashedAt = held.at;
      await keep();
    } else if (held) {
      unstash();
    }
    localPhotos = await store.photosOf(key).catch(function () { return []; });
    renderAllPhotos();
    els.body.disabled = false;
    checkTimes();
    progress();
    var queued = await store.get("outbox", key).catch(function () { return null; });
    if (queued && queued.state === "waiting") {
      lock();
      sending = true;
      showSubmission("waiting");
    } else if (queued && queued.state === "refused") {
      await store.remove("outbox", key);
      refused = true;
      status(text("refused"));
      showProblems(queued.error.fields || {});
    } else if (queued) {
      await store.remove("outbox", key);
      lock();
      showSubmission("conflict", queued.error.message);
    } else {
      status(draft && draft.dirty ? text("draft_here") : "");
    }
  }

  /* A page that is no longer editable: the phone's copy has done its job. */
  async function settle() {
    var status_ = assignment.status;
    if (statuses.editable.indexOf(status_) >= 0) return;
    var queued = await store.get("outbox", key).catch(function () { return null; });
    var server = config.visit;
    var ours = !queued || queued.state !== "waiting" || (server && server.client_id === queued.clientId);
    if (ours || status_ === statuses.cancelled) await store.forget(key).catch(function () {});
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", function (event) {
    var el = event.target;
    if (el.type === "file") {
      var code = el.name.slice(2, -"-photo".length);
      var files = Array.prototype.slice.call(el.files);
      el.value = "";
      files.reduce(function (done, file) {
        return done.then(function () { return addPhoto(code, file); });
      }, Promise.resolve());
      return;
    }
    changed(event);
  });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-now], [data-remove-local], [data-remove-server]");
    if (!button) return;
    if (button.hasAttribute("data-now")) now(button.getAttribute("data-now"));
    else removePhoto(button);
  });
  els.problems.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (!link) return;
    event.preventDefault();
    var card = document.querySelector(link.getAttribute("href"));
    card.scrollIntoView({ block: "center" });
    card.focus({ preventScroll: true });
  });
  form.addEventListener("submit", send);
  $("next-unanswered").addEventListener("click", nextUnanswered);
  $("to-top").addEventListener("click", function () {
    window.scrollTo({ top: 0 });
    $("main").focus({ preventScroll: true });
  });
  document.addEventListener("field:sync", onSync);
  window.addEventListener("offline", renderAllPhotos);
  window.addEventListener("online", renderAllPhotos);
  // Closing the tab or switching apps: whatever is being typed is kept now, and a change
  // not yet on the server is left to the service worker.
  function leaving() {
    var unsent = keepTimer || serverTimer;
    if (keepTimer) keep();
    if (unsent) sync.later();
  }
  window.addEventListener("pagehide", leaving);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leaving();
  });

  init().finally(sync.start);
})(window.ShopperField = window.ShopperField || {});
