// Move focus to the error summary after a failed submission, so that screen readers announce
// it and keyboard users start from the list of links to the fields in error.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
