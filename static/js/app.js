// trainer: progressive enhancements only; every page works without this file.
(function () {
  "use strict";
  // Ask before submitting forms that carry data-confirm (destructive actions).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    }
  });
  // Signing out forgets every unsent draft kept on this device (assessments.js), so that the next person to use
  // this browser never finds them.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented || !form.hasAttribute("data-forget-drafts")) { return; }
    try {
      var storage = window.localStorage;
      for (var i = storage.length - 1; i >= 0; i--) {
        var key = storage.key(i);
        if (key && key.indexOf("trainer.draft.") === 0) { storage.removeItem(key); }
      }
    } catch (e) { /* no storage on this device: nothing was kept */ }
  });
  // Prevent double submission of a form by disabling its buttons once submitted.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented || form.method.toLowerCase() !== "post") { return; }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
})();
