// Sortable columns (click a header) and a text filter for tables; the page works without it.
(function () {
  "use strict";

  function cellValue(row, index, kind) {
    const cell = row.cells[index];
    const raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
    return kind === "number" ? parseFloat(raw) : raw.toLocaleLowerCase();
  }

  function makeSortable(table) {
    const headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      const kind = th.dataset.sort;
      if (!kind) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) {
          if (other.dataset.sort) other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          const x = cellValue(a, index, kind);
          const y = cellValue(b, index, kind);
          const order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("input[data-filters]").forEach(function (input) {
    const table = document.getElementById(input.dataset.filters);
    input.addEventListener("input", function () {
      const needle = input.value.trim().toLocaleLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLocaleLowerCase().indexOf(needle) === -1;
      });
    });
  });
})();
