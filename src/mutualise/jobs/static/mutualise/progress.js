// Updates a job's progress bar (jobs/_progress.html) from its status URL; reloads the page
// when the job ends, so the page shows the outcome. Without JavaScript the page refreshes.
for (const box of document.querySelectorAll("[data-module=app-progress]")) {
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  const poll = async () => {
    try {
      const status = await (await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } })).json();
      if (status.state === "done" || status.state === "failed") { location.reload(); return; }
      const total = Math.max(status.total || 0, 1);
      bar.max = total; bar.value = status.done || 0;
      if (status.state === "running") {
        text.textContent = `${status.done} of about ${status.total} ${status.unit || ""} (${Math.min(99, Math.floor((100 * status.done) / total))}%)`;
      }
    } catch (error) { /* a dropped request: try again on the next tick */ }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}
