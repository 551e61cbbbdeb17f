// Two small helps, both optional: the page works without them.
(function () {
  // Live progress of a check: poll the job, update the words, go to the report when done.
  var box = document.getElementById("progress");
  if (box) {
    var id = box.getAttribute("data-job");
    var lang = box.getAttribute("data-lang") === "en" ? "?lang=en" : "";
    var set = function (name, value) { var el = document.getElementById(name); if (el) el.textContent = value; };
    var poll = function () {
      fetch("/jobs/" + id + ".json" + lang).then(function (r) { return r.json(); }).then(function (job) {
        set("state", job.state_label); set("pages", job.pages); set("phase", job.phase_label); set("position", job.position);
        document.getElementById("queue").hidden = !job.position;
        if (job.state === "done") { window.location.href = "/sites/" + job.site_id + lang; return; }
        if (job.state === "failed") {
          set("problem", job.problem); set("fix", job.fix); document.getElementById("error").hidden = false; return;
        }
        setTimeout(poll, 700);
      }).catch(function () { setTimeout(poll, 2000); });
    };
    poll();
  }
  // The report's "only items to fix": the link works without script (?only=fix, from the
  // server); with it, the cards are hidden here, with no round trip.
  var toggle = document.getElementById("only-fix");
  var list = document.getElementById("items");
  if (toggle && list) {
    toggle.setAttribute("role", "button");
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      var on = !list.classList.contains("only-fix");
      list.classList.toggle("only-fix", on);
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.textContent = toggle.getAttribute(on ? "data-all-text" : "data-fix-text");
      toggle.setAttribute("href", toggle.getAttribute(on ? "data-all-href" : "data-fix-href"));
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", toggle.getAttribute(on ? "data-fix-href" : "data-all-href"));
      }
    });
  }
})();
