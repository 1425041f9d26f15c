// Move focus to the error summary when the filters could not be applied, so that screen
// readers announce it and keyboard users start from the links to the filters in error.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
