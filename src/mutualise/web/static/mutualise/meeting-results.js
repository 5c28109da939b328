// The meeting results page: refresh the figures every few seconds without reloading.
(function () {
  var body = document.getElementById("results");
  var quorum = document.getElementById("quorum");
  function cell(text, cls, tag) { var el = document.createElement(tag || "td"); el.className = cls; el.textContent = text; return el; }
  function refresh() {
    fetch(body.dataset.url, {headers: {"Accept": "application/json"}}).then(function (r) { return r.json(); }).then(function (data) {
      quorum.textContent = data.quorum;
      var rows = data.resolutions.map(function (row) {
        var tr = document.createElement("tr"); tr.className = "govuk-table__row";
        var th = cell(row.number + ". " + row.title, "govuk-table__header", "th"); th.scope = "row";
        tr.appendChild(th);
        tr.appendChild(cell(row.voted === null ? "Show of hands" : String(row.voted), "govuk-table__cell govuk-table__cell--numeric"));
        var result = cell("", "govuk-table__cell"); var strong = document.createElement("strong");
        strong.textContent = row.summary; result.appendChild(strong);
        if (row.reason) { result.appendChild(document.createElement("br")); var s = document.createElement("span"); s.className = "govuk-body-s"; s.textContent = row.reason; result.appendChild(s); }
        tr.appendChild(result); return tr;
      });
      body.replaceChildren.apply(body, rows);
    }).catch(function () {});
  }
  setInterval(refresh, 5000);
})();
