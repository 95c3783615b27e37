// Learning pages: "Include everyone listed" ticks or clears every person on a classroom session
// (the form works without this file, one checkbox at a time).
(function () {
  "use strict";
  document.querySelectorAll("input[data-select-all]").forEach(function (master) {
    var boxes = document.querySelectorAll('input[type="checkbox"][name="' + master.dataset.selectAll + '"]');
    master.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = master.checked; });
    });
  });
})();
