// Live progress of a check: poll the job, update the numbers, go to the report when done.
(function () {
  var box = document.getElementById("progress");
  if (!box) return;
  var id = box.getAttribute("data-job");
  var lang = box.getAttribute("data-lang") === "en" ? "?lang=en" : "";
  function set(name, value) { var el = document.getElementById(name); if (el) el.textContent = value; }
  function poll() {
    fetch("/jobs/" + id + ".json").then(function (r) { return r.json(); }).then(function (job) {
      set("state", job.state); set("pages", job.pages); set("phase", job.phase); set("position", job.position);
      document.getElementById("queue").hidden = !job.position;
      if (job.state === "done") { window.location.href = "/sites/" + job.site_id + lang; return; }
      if (job.state === "failed") { var e = document.getElementById("error"); e.textContent = job.error; e.hidden = false; return; }
      setTimeout(poll, 700);
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
