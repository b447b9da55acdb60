// A button marked data-print prints the page (the print style sheet leaves only the record, on A4).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
