// Small page actions, by data attribute:
// - data-print: print the page (the print style sheet leaves only the record, on A4);
// - data-audit-url (on a tel: link): tell the server, which writes it in the audit log, before the phone dials.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
  var call = event.target.closest("a[data-audit-url]");
  if (call) {
    var token = "";
    try { token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { /* none */ }
    fetch(call.getAttribute("data-audit-url"), {
      method: "POST", credentials: "same-origin", keepalive: true, headers: { "X-CSRFToken": token },
    }).catch(function () { /* no network: the call still goes through; the page view was audited */ });
  }
});
