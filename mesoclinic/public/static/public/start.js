// Progressive enhancement of the self-assessment's area map: a ticked area's numbered marker
// is filled on the drawing. Without this script the checkboxes work the same.
(function () {
  "use strict";
  document.querySelectorAll(".zones input[name=zones]").forEach(function (box) {
    box.addEventListener("change", function () {
      var region = box.closest(".region");
      var marker = region && region.querySelector('.marker[data-zone="' + box.value + '"]');
      if (marker) { marker.classList.toggle("chosen", box.checked); }
    });
  });
})();
