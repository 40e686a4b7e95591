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
  // The navbar's menus (<details>) open without JavaScript; with it they also close on a
  // click elsewhere and on Escape (focus back on the menu's button), as a menu does.
  const menus = document.querySelectorAll("details.nav-menu");
  document.addEventListener("click", (event) => {
    menus.forEach((menu) => { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    menus.forEach((menu) => {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
});
