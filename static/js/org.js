// Personnel list: "Select everyone on this page", the count of people selected, and the export buttons
// usable again after a download (the list works without this file, one checkbox at a time).
(function () {
  "use strict";
  var form = document.querySelector("form[data-bulk]");
  if (!form) { return; }
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[type="checkbox"][name="ids"][form="' + form.id + '"]'));
  var all = form.querySelector("[data-bulk-all]");
  var count = form.querySelector("[data-bulk-count]");

  function update() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    count.textContent = n === 0 ? count.dataset.textNone : n === 1 ? count.dataset.textOne : count.dataset.textMany.replace("{n}", String(n));
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
  }

  if (all && boxes.length) {
    form.querySelector("[data-bulk-all-wrapper]").hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  update();

  // A download leaves the page in place: give the buttons back once the file is on its way.
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute("data-download")) {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
      }, 1500);
    }
  });
})();
