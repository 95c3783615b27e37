// Bulk certificate downloads: while a download streams, poll the batch status and show progress.
(function () {
  "use strict";
  var box = document.getElementById("batch-progress");
  if (!box) { return; }
  var bar = document.getElementById("batch-progress-bar");
  var text = document.getElementById("batch-progress-text");
  var url = box.getAttribute("data-status-url");
  var timer = null;

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        bar.max = data.total;
        bar.value = data.rendered;
        text.textContent = data.rendered + " of " + data.total + (data.rendered >= data.total ? " — done" : "");
        if (data.rendered >= data.total && timer) { clearInterval(timer); timer = null; }
      })
      .catch(function () {});
  }

  document.querySelectorAll(".js-batch-download").forEach(function (link) {
    link.addEventListener("click", function () {
      box.hidden = false;
      bar.value = 0;
      text.textContent = "0 of " + box.getAttribute("data-total");
      if (timer) { clearInterval(timer); }
      setTimeout(function () { timer = setInterval(poll, 1000); poll(); }, 800);
    });
  });
}());
