// The import progress page: follow the import until it finishes, then show the outcome.
const box = document.getElementById("import-progress");
async function poll() {
  const status = await (await fetch(box.dataset.statusUrl)).json();
  const bar = document.getElementById("import-bar");
  bar.max = Math.max(status.rows_total, 1); bar.value = status.rows_done;
  document.getElementById("import-count").textContent = `${status.rows_done} of about ${status.rows_total} rows`;
  if (status.state === "done" || status.state === "failed") { location.reload(); } else { setTimeout(poll, 1000); }
}
poll();
