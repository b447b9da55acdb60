// 使用当前位置: fills a form's latitude and longitude (and accuracy, where the form keeps it) from the phone's
// position, so that nobody types coordinates by hand. A form with visible latitude/longitude inputs gets the
// button after its longitude; a page may place its own <button data-locate> instead (the visit form does).
(function () {
  "use strict";

  function field(form, suffix) {
    return Array.prototype.find.call(form.elements, function (el) {
      return el.name && (el.name === suffix || el.name.slice(-suffix.length - 1) === "-" + suffix);
    });
  }

  function wire(button, form) {
    if (!navigator.geolocation || button.dataset.wired) return;
    button.dataset.wired = "1";
    button.hidden = false;
    var status = button.parentNode.querySelector("[data-locate-status]");
    button.addEventListener("click", function () {
      var latitude = field(form, "latitude");
      var longitude = field(form, "longitude");
      var accuracy = field(form, "location_accuracy");
      status.textContent = "正在定位…";
      status.className = "muted";
      navigator.geolocation.getCurrentPosition(function (position) {
        var metres = Math.round(position.coords.accuracy);
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        if (accuracy) accuracy.value = metres;
        status.textContent = "已记录当前位置（精度约" + metres + "米）" + (metres > 100 ? "，误差较大，可到室外再试。" : "");
        status.className = metres > 100 ? "warn" : "ok";
        form.dispatchEvent(new Event("change", { bubbles: true }));  // the visit form's draft keeps it
      }, function () {
        status.textContent = "未能获取位置（未授权或无信号），可手动填写或不填。";
        status.className = "error";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  function prepare(root) {
    root.querySelectorAll("button[data-locate]").forEach(function (button) {
      wire(button, button.form || button.closest("form"));
    });
    root.querySelectorAll("form").forEach(function (form) {
      var longitude = field(form, "longitude");
      if (!longitude || longitude.type === "hidden" || form.querySelector("button[data-locate]")) return;
      var line = document.createElement("p");
      line.className = "location";
      line.innerHTML = '<button type="button" class="button secondary" data-locate hidden>使用当前位置</button> ' +
        '<span data-locate-status class="muted" role="status"></span>';
      var after = longitude.closest("p, div.field") || longitude;
      after.parentNode.insertBefore(line, after.nextSibling);
      wire(line.querySelector("button"), form);
    });
  }

  window.shuangbaiLocate = prepare;  // the visit form calls it again after it swaps in the server's answer
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  else prepare(document);
})();
