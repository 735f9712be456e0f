// Copy buttons: shown only when scripts run; without them the links can be selected by hand.
(function () {
  var status = document.getElementById("copy-status");
  function copy(text, field) {
    function done() { status.textContent = status.dataset.copied; }
    function fallback() {
      var helper = field;
      if (!helper) {
        helper = document.createElement("textarea");
        helper.value = text;
        document.body.appendChild(helper);
      }
      helper.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
      if (!field) { document.body.removeChild(helper); }
      status.textContent = ok ? status.dataset.copied : status.dataset.failed;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copy);
      field.select();
      copy(field.value, field);
    });
  });
  document.querySelectorAll("[data-copy-all]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var lines = [];
      document.querySelectorAll("[data-invitation]").forEach(function (row) {
        lines.push(row.querySelector("[data-name]").textContent + " <" +
          row.querySelector("[data-email]").textContent + ">: " + row.querySelector(".link-field").value);
      });
      copy(lines.join("\n"), null);
    });
  });
  document.querySelectorAll(".link-field").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
