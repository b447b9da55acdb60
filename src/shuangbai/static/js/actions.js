// Small page actions, by data attribute (no inline handlers: the Content-Security-Policy allows none):
// - data-print: print the page (the print style sheet leaves only the record, on A4);
// - data-audit-url (on a tel: link): tell the server, which writes it in the audit log, before the phone dials;
// - data-autosubmit (on a select): choosing submits its form;
// - data-confirm (on a form): ask before submitting;
// - data-clear-drafts (on the logout form): forget this browser's unsaved drafts (a shared phone).
(function () {
  "use strict";

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
    var call = event.target.closest("a[data-audit-url]");
    if (call) {
      fetch(call.getAttribute("data-audit-url"), {
        method: "POST", credentials: "same-origin", keepalive: true, headers: { "X-CSRFToken": csrfToken() },
      }).catch(function () { /* no network: the call still goes through; the page view was audited */ });
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-clear-drafts")) {
      try {
        Object.keys(localStorage).forEach(function (key) {
          if (key.indexOf("shuangbai:draft:") === 0) localStorage.removeItem(key);
        });
      } catch (e) { /* storage refused: nothing kept */ }
    }
  }, true);
})();
