// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Registration: show the business fields only for a business account.
  const radios = document.querySelectorAll("input.account-type");
  const business = document.querySelector(".business-fields");
  if (radios.length && business) {
    const sync = () => {
      const chosen = document.querySelector("input.account-type:checked");
      business.hidden = !chosen || chosen.value !== "business";
    };
    radios.forEach((r) => r.addEventListener("change", sync));
    sync();
  }
  // Move focus to the error summary so screen readers announce it.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
// A form refused through htmx (422, e.g. "Gửi hồ sơ bổ sung") brings its own error summary:
// focus it too, so its links lead to the fields.
document.addEventListener("htmx:afterSettle", (event) => {
  const elt = event.detail && event.detail.elt;
  const root = elt && elt.isConnected ? elt : document;
  const summary = root.querySelector && root.querySelector(".error-summary");
  if (summary && event.detail.xhr && event.detail.xhr.status === 422) summary.focus();
});
