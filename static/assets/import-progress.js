// Progress of a background import, without reloading the page: polls the import's status
// every two seconds and reloads once the job has finished. Without JavaScript the page has a
// "Refresh this page" link instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var bar = box.querySelector("progress");
  var count = box.querySelector("[data-import-count]");
  var format = new Intl.NumberFormat("en-GB");

  function poll() {
    fetch(box.getAttribute("data-import-status-url"), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) {
          return;
        }
        if (!state.running) {
          window.location.reload();
          return;
        }
        bar.max = Math.max(state.rows_total, 1);
        bar.value = state.rows_done;
        bar.textContent = state.percent + "%";
        count.textContent = format.format(state.rows_done) + " of " + format.format(state.rows_total) + " rows";
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
