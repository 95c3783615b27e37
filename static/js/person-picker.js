// The person picker: the search box becomes an ARIA 1.2 combobox whose list shows the people in the user's
// scope matching what is typed (name in any script, without accents, or service number). Down and Up move
// through the list, Enter chooses, Escape closes the list (or clears the box when it is closed); the chosen
// person's id goes into the hidden input. Without this file the box is a plain search field: the form
// comes back with the matches to choose from.
(function () {
  "use strict";
  var DELAY = 200;

  function setup(root) {
    if (root.dataset.pickerReady) { return; }
    root.dataset.pickerReady = "1";
    var input = root.querySelector("[data-picker-input]");
    var value = root.querySelector("[data-picker-value]");
    var shown = root.querySelector("[data-picker-shown]");
    var listId = input.id + "-listbox";
    var list = document.createElement("ul");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", root.querySelector("label").textContent.trim());
    list.className = "list-group position-absolute w-100 shadow z-3 person-picker-list";
    list.hidden = true;
    list.style.maxHeight = "22rem";
    list.style.overflowY = "auto";
    var status = document.createElement("div");
    status.className = "form-text person-picker-status";
    status.id = input.id + "-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + status.id).trim());

    var timer = null;
    var request = 0;
    var options = [];
    var active = -1;

    function open() {
      if (!options.length) { return close(); }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      options.forEach(function (o) { o.element.setAttribute("aria-selected", "false"); o.element.classList.remove("active"); });
    }

    function highlight(index) {
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (o, i) {
        var on = i === active;
        o.element.setAttribute("aria-selected", on ? "true" : "false");
        o.element.classList.toggle("active", on);
      });
      var element = options[active].element;
      input.setAttribute("aria-activedescendant", element.id);
      element.scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var person = options[index].person;
      value.value = String(person.id);
      shown.value = person.label;
      input.value = person.label;
      close();
      status.textContent = root.dataset.textChosen + " " + person.label;
      // The results of a search submitted without JavaScript no longer apply.
      root.querySelectorAll("[data-picker-results]").forEach(function (f) { f.remove(); });
    }

    function render(data) {
      list.textContent = "";
      options = (data.results || []).map(function (person, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.className = "list-group-item list-group-item-action";
        var name = document.createElement("span");
        name.textContent = person.name;
        item.appendChild(name);
        if (person.name_latin) {
          var latin = document.createElement("span");
          latin.textContent = " (" + person.name_latin + ")";
          item.appendChild(latin);
        }
        var details = document.createElement("span");
        details.className = "d-block small person-picker-details";
        details.textContent = person.nation + " " + person.service_number + " · " + person.unit + " · " + person.rank;
        item.appendChild(details);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(i); input.focus(); });
        list.appendChild(item);
        return { person: person, element: item };
      });
      status.textContent = data.status || "";
      active = -1;
      open();
    }

    function search() {
      var text = input.value.trim();
      var mine = ++request;
      if (!text) { options = []; close(); status.textContent = ""; return; }
      status.textContent = root.dataset.textSearching;
      var url = root.dataset.lookup + (root.dataset.lookup.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (data) { if (mine === request) { render(data); } })
        .catch(function () { if (mine === request) { options = []; close(); status.textContent = root.dataset.textFailed; } });
    }

    input.addEventListener("input", function () {
      // Typing replaces the choice: the hidden id follows the box.
      value.value = "";
      shown.value = "";
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Down") {
        event.preventDefault();
        if (list.hidden) { if (options.length) { open(); highlight(0); } else { search(); } } else { highlight(active + 1); }
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        event.preventDefault();
        if (!list.hidden) { highlight(active - 1); }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape" || event.key === "Esc") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          value.value = "";
          shown.value = "";
          status.textContent = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  function init() { document.querySelectorAll("[data-person-picker]").forEach(setup); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
