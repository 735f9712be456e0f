// The period picker: a preset fills in its days, a day typed by hand makes the period custom.
// Without it the server still applies a chosen preset.
(function () {
  "use strict";

  const preset = document.getElementById("c-preset");
  const first = document.getElementById("c-first");
  const last = document.getElementById("c-last");
  if (!preset || !first || !last) return;

  preset.addEventListener("change", function () {
    const option = preset.options[preset.selectedIndex];
    if (option.dataset.first) {
      first.value = option.dataset.first;
      last.value = option.dataset.last;
    }
  });
  [first, last].forEach(function (input) {
    input.addEventListener("input", function () {
      preset.value = "";
    });
  });
})();
