/* The visit form on a weak network: every change is kept as a draft in this browser, the save is one
   request, and the draft is dropped only when the server answers that it has the visit. Without scripts the
   form still posts normally. Photos cannot be kept in a draft: after a failed save they are chosen again. */
(function () {
  "use strict";
  var PREFIX = "shuangbai:draft:";  // + user id : form; the login page clears them all (a shared phone)
  var MAX_AGE = 12 * 3600 * 1000;  // an older draft is a different visit: it is dropped, never restored

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "submit" && el.name !== "csrfmiddlewaretoken";
    });
  }

  function collect(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function apply(form, data) {
    fields(form).forEach(function (el) {
      if (!(el.name in data)) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = data[el.name].indexOf(el.value) >= 0;
      else el.value = data[el.name];
    });
  }

  // The status sits in the save bar, next to the thumb that pressed 保存.
  function say(text, kind) {
    var status = document.getElementById("draft-status");
    if (!status) return;
    status.textContent = text;
    status.className = kind || "muted";
  }

  // 补录原因 only when the date makes the visit a late entry (the server asks for it past the same limit).
  function showLateReason(form) {
    var box = form.querySelector("[data-late-after]");
    var day = form.elements.visited_on;
    if (!box || !day) return;
    var limit = Number(box.getAttribute("data-late-after"));
    var update = function () {
      var when = day.value ? new Date(day.value + "T00:00:00") : null;
      var today = new Date();
      today.setHours(0, 0, 0, 0);
      var late = when && (today - when) / 86400000 > limit;
      var reason = form.elements.late_reason;
      box.hidden = !(late || (reason && reason.value) || box.querySelector(".errorlist"));
    };
    day.addEventListener("input", update);
    day.addEventListener("change", update);
    update();
  }

  function init() {
    var form = document.querySelector("form[data-draft-key]");
    if (!form || !window.localStorage) return;
    var key = PREFIX + form.getAttribute("data-draft-key");
    var saved = localStorage.getItem(key);
    if (saved && !form.hasAttribute("data-bound")) {
      try {
        var draft = JSON.parse(saved);
        if (Date.now() - draft.at > MAX_AGE) throw new Error("stale");
        apply(form, draft.data);
        say("已恢复上次未保存的草稿（照片需重新选择）。", "ok");
      } catch (e) {
        localStorage.removeItem(key);
      }
    }
    function keep() {
      try {
        localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: collect(form) }));
      } catch (e) { /* storage full or refused: the form still works, only without a draft */ }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    showLateReason(form);

    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return;
      event.preventDefault();
      keep();
      var button = form.querySelector("[type=submit]");
      button.disabled = true;
      form.classList.remove("offline");
      say("正在保存…", "saving");
      fetch(form.action || window.location.href, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      }).then(function (response) {
        if (response.status === 201) {
          return response.json().then(function (answer) {
            localStorage.removeItem(key);
            window.location.assign(answer.url);
          });
        }
        // The server refused the content (422 with the form and its errors) or failed: show its page.
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var main = page.querySelector("main");
          if (!main) throw new Error("no page");
          document.querySelector("main").replaceWith(main);
          init();
          if (window.shuangbaiLocate) window.shuangbaiLocate(document);
          if (response.status >= 500) say("服务器出错，未能保存；草稿仍保存在本机，请稍后再试。", "error");
          var error = document.querySelector(".errorlist");
          if (error) error.scrollIntoView({ block: "center" });
        });
      }).catch(function () {
        button.disabled = false;
        button.textContent = "重新保存";
        form.classList.add("offline");
        say("网络中断，未能保存。填写的内容已作为草稿保存在本机，网络恢复后请再点“重新保存”。", "error");
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
