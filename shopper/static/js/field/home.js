/* The list of visits: say what the phone still holds for each, and send it. */
(function (field) {
  "use strict";

  var sync = field.sync;
  var store = field.store;
  var text = sync.text;
  var user = sync.config.user;

  function row(assignment) {
    return document.querySelector('.visit-item[data-assignment="' + assignment + '"]');
  }

  function note(assignment, message, kind) {
    var item = row(assignment);
    if (!item) return;
    var line = item.querySelector(".local-note");
    line.textContent = message;
    line.className = "local-note" + (kind ? " local-" + kind : "");
    line.hidden = !message;
  }

  async function annotate() {
    var prefix = user + ":";
    var lists = await Promise.all([store.all("drafts"), store.all("outbox")]);
    lists[0].forEach(function (draft) {
      if (draft.key.indexOf(prefix) === 0 && draft.dirty) note(draft.assignment, text("draft_here"), "kept");
    });
    lists[1].forEach(function (entry) {
      if (entry.key.indexOf(prefix) !== 0) return;
      if (entry.state === "waiting") note(entry.assignment, text("waiting"), "waiting");
      else note(entry.assignment, text("needs_attention"), "problem");
    });
  }

  document.addEventListener("field:sync", function (event) {
    var d = event.detail;
    if (d.kind === "session") {
      document.getElementById("home-status").textContent = text("sign_in");
      return;
    }
    if (d.kind === "save" && d.state === "saved") note(d.assignment, "");
    if (d.kind !== "submission") return;
    if (d.state === "sent") {
      note(d.assignment, text("sent"), "sent");
      var badge = row(d.assignment) && row(d.assignment).querySelector(".badge");
      if (badge) {
        badge.textContent = text("status_submitted");
        badge.className = "badge status-" + sync.config.statuses.sent;
      }
    } else if (d.state === "waiting" || d.state === "sending") {
      note(d.assignment, text(d.state), "waiting");
    } else {
      note(d.assignment, text("needs_attention"), "problem");
    }
  });

  annotate().catch(function () {}).finally(sync.start);
})(window.ShopperField = window.ShopperField || {});
