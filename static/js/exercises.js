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

  function folded(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Lists of checkboxes (nations, units, modules, objectives): a filter field above them, and how many are
  // chosen, announced politely as it changes.
  document.querySelectorAll("[data-checklist]").forEach(function (box) {
    var tools = box.querySelector("[data-checklist-tools]");
    var filter = box.querySelector("[data-checklist-filter]");
    var count = box.querySelector("[data-checklist-count]");
    var none = box.querySelector("[data-checklist-none]");
    var options = Array.prototype.slice.call(box.querySelectorAll("[data-checklist-option]"));
    if (!tools || options.length === 0) { return; }
    tools.classList.remove("d-none");
    function counted() {
      var n = box.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = n === 0 ? "" : (n === 1 ? count.dataset.one : count.dataset.many.replace("{n}", n));
    }
    filter.addEventListener("input", function () {
      var wanted = folded(filter.value.trim());
      var shown = 0;
      options.forEach(function (option) {
        var match = !wanted || folded(option.textContent).indexOf(wanted) !== -1;
        option.classList.toggle("d-none", !match);
        if (match) { shown += 1; }
      });
      if (none) { none.classList.toggle("d-none", shown !== 0); }
    });
    // Enter in the filter must not submit the form.
    filter.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
    box.addEventListener("change", counted);
    counted();
  });

  // The time zone: a text field that suggests the zones as one types (e.g. "Kathmandu", "+05:45"),
  // instead of a list of more than five hundred. Without this script it stays a list.
  document.querySelectorAll("select.zone-select").forEach(function (select) {
    var input = document.createElement("input");
    var list = document.createElement("datalist");
    input.type = "text";
    input.className = select.className.replace("form-select", "form-control").replace("zone-select", "zone-input");
    ["id", "name", "aria-describedby", "aria-invalid", "required"].forEach(function (name) {
      if (select.hasAttribute(name)) { input.setAttribute(name, select.getAttribute(name)); }
    });
    input.value = select.value;
    input.autocomplete = "off";
    input.spellcheck = false;
    list.id = select.id + "-zones";
    Array.prototype.forEach.call(select.options, function (source) {
      if (!source.value) { return; }
      var option = document.createElement("option");
      option.value = source.value;
      option.label = source.textContent;
      list.appendChild(option);
    });
    input.setAttribute("list", list.id);
    select.replaceWith(input);
    input.insertAdjacentElement("afterend", list);
  });
})();
