// Evaluator drafts survive a dropped connection: every form marked data-draft is copied to this
// device's storage as it is typed, restored when the page is opened again, and removed only once the
// server has confirmed it (its submission key is listed in data-confirmed). A retried submission
// carries the same key, so the server never records it twice.
// Drafts belong to the signed-in account (data-draft-owner on this script): another account using the same
// browser never sees them, and signing out removes them all (app.js).
(function () {
  "use strict";
  var PREFIX = "trainer.draft.";
  var owner = document.currentScript && document.currentScript.dataset.draftOwner;
  if (!owner) { return; }
  var storage;
  try { storage = window.localStorage; storage.setItem(PREFIX + "probe", "1"); storage.removeItem(PREFIX + "probe"); }
  catch (e) { return; }

  function read(key) {
    try { return JSON.parse(storage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.type !== "submit" && el.type !== "button";
    });
  }

  function snapshot(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } else if (!(el.name in data)) { data[el.name] = ""; } }
      else if (el.type === "checkbox") { data[el.name] = el.checked ? el.value : ""; }
      else { data[el.name] = el.value; }
    });
    return data;
  }

  function differs(form, data) {
    var now = snapshot(form);
    return Object.keys(data).some(function (name) {
      return name !== "submission_key" && (data[name] || "") !== (now[name] || "");
    });
  }

  function restore(form, data) {
    fields(form).forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "radio") { el.checked = el.value === data[el.name]; }
      else if (el.type === "checkbox") { el.checked = data[el.name] === el.value; }
      else if (el.type !== "hidden" || el.name === "submission_key") { el.value = data[el.name]; }
    });
  }

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = PREFIX + owner + "." + form.dataset.draft;
    var confirmed = (form.dataset.confirmed || "").split(/\s+/).filter(Boolean);
    var draft = read(key);
    if (draft && confirmed.indexOf(draft.submission_key) !== -1) {
      storage.removeItem(key);   // the server has it
      draft = null;
    }
    if (draft && differs(form, draft)) {
      restore(form, draft);
      var notice = document.querySelector("[data-draft-notice]");
      if (notice) { notice.classList.remove("d-none"); }
    }
    function save() {
      try { storage.setItem(key, JSON.stringify(snapshot(form))); } catch (e) { /* storage full: the form still works */ }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function (event) {
      save();
      if (navigator.onLine === false) {
        event.preventDefault();
        // the words come from the page, in the reader's language
        window.alert(form.dataset.offline || "There is no connection. What you typed is kept on this device; submit again when the connection is back.");
      }
    });
  });
})();
