// Readiness pages: changing the profile shows it at once (the Show button still works without this file).
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit(); }
    });
  });
})();
