// Accounts pages, progressive enhancement only: every page works without this file.
// Offers a "Copy token" button for a new API token when the clipboard API is available (the
// error summary's focus is core/error-summary.js, on every page).
(function () {
  "use strict";

  var buttons = document.querySelectorAll("[data-copy-target]");
  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.querySelector("[data-copy-status]");
    if (!source || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(
        function () { if (status) { status.textContent = "Copied."; } },
        function () {
          source.select();
          if (status) { status.textContent = "Select the token and copy it yourself."; }
        }
      );
    });
  });

  // Selecting the whole token on focus makes copying by hand one step.
  var tokenFields = document.querySelectorAll("[data-copy-source]");
  Array.prototype.forEach.call(tokenFields, function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
