// Progressive enhancement of the self-assessment's area map: each ticked area's numbered
// marker is filled on its drawing, as the page loads (a form shown again keeps its ticks) and
// as boxes change. Without this script the checkboxes work the same.
(function () {
  "use strict";
  function mark(box) {
    var region = box.closest(".region");
    var marker = region && region.querySelector('.marker[data-zone="' + box.value + '"]');
    if (marker) { marker.classList.toggle("chosen", box.checked); }
  }
  document.querySelectorAll(".zones input[name=zones]").forEach(function (box) {
    mark(box);
    box.addEventListener("change", function () { mark(box); });
  });
})();
