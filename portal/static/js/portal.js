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
