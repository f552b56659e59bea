// Click a column header of any <table class="sortable"> to sort by it; click again to reverse.
// Cells may carry data-sort="..." with the value to sort by (numbers, ISO dates).
(function () {
  "use strict";
  function key(cell) {
    const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
    const number = parseFloat(raw.replace(/[%,+\s]/g, ""));
    return raw !== "" && !isNaN(number) && /^[-+]?[\d.,\s]+%?$/.test(raw.trim()) ? number : raw.toLowerCase();
  }
  function sortBy(table, column, header) {
    const body = table.tBodies[0];
    const descending = header.getAttribute("aria-sort") === "ascending";
    const rows = Array.from(body.rows);
    rows.sort(function (a, b) {
      const x = key(a.cells[column]), y = key(b.cells[column]);
      const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.from(table.tHead.rows[0].cells).forEach(function (header, column) {
      if (header.classList.contains("nosort")) return;
      header.tabIndex = 0;
      header.classList.add("sortable-header");
      header.addEventListener("click", function () { sortBy(table, column, header); });
      header.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, column, header); } });
    });
  });
})();
