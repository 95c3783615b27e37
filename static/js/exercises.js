// Exercises: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Calendar filters: apply a filter as soon as it changes.
  document.querySelectorAll("form.exercise-filters select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Select the calendar feed address on focus, so it is easy to copy.
  document.querySelectorAll("input[readonly].mono").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
