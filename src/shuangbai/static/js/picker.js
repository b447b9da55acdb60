// People picked in searches (an activity's participants, a hand-out's receivers): a person ticked in one search
// moves to the chosen list and stays there through the next search, so nothing ticked is lost; Enter in the
// search box searches (the phone's 搜索 key) instead of saving the whole form unfinished.
(function () {
  "use strict";

  function chosenBox(picker) {
    return picker.querySelector("[data-picker-chosen] > div") || picker.querySelector("[data-picker-chosen]");
  }

  function chosenValues(picker) {
    return Array.from(chosenBox(picker).querySelectorAll("input[type=checkbox]")).map((box) => box.value);
  }

  function count(picker) {
    const out = picker.querySelector("[data-picker-count]");
    if (out) out.textContent = chosenBox(picker).querySelectorAll("input[type=checkbox]:checked").length;
  }

  function dropChosen(picker) {
    const chosen = new Set(chosenValues(picker));
    picker.querySelectorAll("[data-picker-found] input[type=checkbox]").forEach((box) => {
      if (chosen.has(box.value)) box.closest("label").remove();
    });
  }

  function prepare(picker) {
    if (picker.dataset.pickerReady) return;
    picker.dataset.pickerReady = "1";
    picker.addEventListener("change", (event) => {
      const box = event.target;
      if (box.type !== "checkbox" || !box.closest("[data-picker-found]")) {
        count(picker);
        return;
      }
      if (box.checked) chosenBox(picker).appendChild(box.closest("label"));
      count(picker);
    });
    const search = picker.querySelector("[data-picker-search]");
    if (search) {
      search.addEventListener("keydown", (event) => {
        if (event.key !== "Enter") return;
        event.preventDefault();
        if (window.htmx) window.htmx.trigger(search, "search");
      });
    }
    picker.addEventListener("htmx:afterSwap", () => dropChosen(picker));
    dropChosen(picker);
    count(picker);
  }

  function prepareAll() {
    document.querySelectorAll("[data-picker]").forEach(prepare);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", prepareAll);
  else prepareAll();
})();
