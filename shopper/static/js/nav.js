// On a phone the menu is one line that scrolls sideways: show where you are,
// and drop the fade at the end once there is nothing more to see.
(function () {
  "use strict";
  var nav = document.querySelector(".nav");
  if (!nav) return;
  var current = nav.querySelector("[aria-current]");
  if (current && nav.scrollWidth > nav.clientWidth) {
    current.scrollIntoView({ block: "nearest", inline: "center" });
  }
  function update() {
    var left = Math.abs(nav.scrollLeft);
    nav.classList.toggle("scrolled-to-end", left + nav.clientWidth >= nav.scrollWidth - 2);
  }
  nav.addEventListener("scroll", update, { passive: true });
  window.addEventListener("resize", update);
  update();
})();
