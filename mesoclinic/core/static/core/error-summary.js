// Move focus to the error summary after a failed submission, so that screen readers announce
// it and keyboard users start from the list of links to the fields in error. Every page loads
// this file; a page without a summary is left alone.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
