// Tables marked class="sortable": a tap on a column heading sorts the rows by that column (again: the other
// way). Numbers sort as numbers ("85.0%", "12次", "—" lowest), words in pinyin order. No server round trip.
(function () {
  "use strict";
  const collator = new Intl.Collator("zh-Hans-CN-u-co-pinyin", { numeric: true });

  function value(cell) {
    const text = (cell ? cell.textContent : "").trim();
    if (text === "" || text === "—") return { number: -Infinity, text };
    const number = Number(text.replace(/[,%次人户个]/g, ""));
    return Number.isNaN(number) ? { number: null, text } : { number, text };
  }

  function compare(a, b) {
    if (a.number !== null && b.number !== null) return a.number - b.number;
    return collator.compare(a.text, b.text);
  }

  function sortBy(table, heading, index) {
    const body = table.tBodies[0];
    const rows = Array.from(body.rows).filter((row) => row.cells.length > index);
    const ascending = heading.getAttribute("aria-sort") !== "ascending";
    rows.sort((x, y) => compare(value(x.cells[index]), value(y.cells[index])) * (ascending ? 1 : -1));
    table.querySelectorAll("thead th[aria-sort]").forEach((th) => th.removeAttribute("aria-sort"));
    heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach((row) => body.appendChild(row));
  }

  function prepare(table) {
    const headings = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1].cells : [];
    Array.from(headings).forEach((heading, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = "按此列排序";
      while (heading.firstChild) button.appendChild(heading.firstChild);
      heading.appendChild(button);
      button.addEventListener("click", () => sortBy(table, heading, index));
    });
  }

  function prepareAll(root) {
    root.querySelectorAll("table.sortable:not([data-sortable])").forEach((table) => {
      table.dataset.sortable = "1";
      prepare(table);
    });
  }

  document.addEventListener("DOMContentLoaded", () => prepareAll(document));
  document.addEventListener("htmx:afterSwap", (event) => prepareAll(event.target));
})();
