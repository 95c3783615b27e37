// Bulk certificate downloads: while a download streams, poll the batch status and show progress.
(function () {
  "use strict";
  var box = document.getElementById("batch-progress");
  if (!box) { return; }
  var bar = document.getElementById("batch-progress-bar");
  var text = document.getElementById("batch-progress-text");
  var url = box.getAttribute("data-status-url");
  var timer = null;
  // The page's words for "N of M" (and "… — done"), in its language.
  function progress(done, total) {
    var words = box.getAttribute(done >= total ? "data-text-done" : "data-text-progress") || "{done} of {total}";
    return words.replace("{done}", done).replace("{total}", total);
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        bar.max = data.total;
        bar.value = data.rendered;
        text.textContent = progress(data.rendered, data.total);
        if (data.rendered >= data.total && timer) { clearInterval(timer); timer = null; }
      })
      .catch(function () {});
  }

  document.querySelectorAll(".js-batch-download").forEach(function (link) {
    link.addEventListener("click", function () {
      box.hidden = false;
      bar.value = 0;
      text.textContent = progress(0, box.getAttribute("data-total"));
      if (timer) { clearInterval(timer); }
      setTimeout(function () { timer = setInterval(poll, 1000); poll(); }, 800);
    });
  });
}());
