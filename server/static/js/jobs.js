// The progress bar of a background job's page (templates/jobs/job.html): poll its JSON once a second until it is
// done or failed, then show the download link or the reason. Without JavaScript the page refreshes itself.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") return;
  var bar = document.getElementById("job-progress"), percent = document.getElementById("job-percent");
  var message = document.getElementById("job-message"), result = document.getElementById("job-result");
  var badge = box.querySelector("[data-job-badge]"), hint = document.getElementById("job-hint");
  var waiting = { queued: "Waiting for a free worker…", running: "Building…" };

  function show(job) {
    bar.value = job.percent;
    bar.textContent = percent.textContent = job.percent + " %";
    badge.textContent = job.status;
    badge.className = "badge " + ({ done: "ok", failed: "error" }[job.status] || "warn");
    message.textContent = job.message || waiting[job.status] || (job.status === "done" ? "Ready." : "");
    message.className = job.status === "failed" ? "flash error" : "muted";
    if (job.status === "done" && job.result) {
      var link = document.createElement("a");
      link.className = "button";
      link.href = job.result.url;
      link.textContent = "Download " + job.result.filename;
      var size = document.createElement("span");
      size.className = "muted small";
      size.textContent = " " + (job.result.size < 1048576 ? (job.result.size / 1024).toFixed(1) + " KB"
                                                            : (job.result.size / 1048576).toFixed(1) + " MB");
      result.replaceChildren(link, size);
    }
    if ((job.status === "done" || job.status === "failed") && hint) hint.remove();
    return job.status === "done" || job.status === "failed";
  }

  function poll() {
    fetch(box.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (job) { if (!show(job)) window.setTimeout(poll, 1000); })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
