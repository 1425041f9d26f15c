// The print button on a signed consent record (no inline handlers: the CSP forbids them).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i += 1) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
}());
