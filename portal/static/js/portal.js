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
  // The address selects (macros/address.html): with htmx the ward list follows the province
  // and the search box by itself, so the no-JavaScript "Chọn" button is hidden.
  if (window.htmx) {
    document.querySelectorAll(".address-pick").forEach((pick) => { pick.hidden = true; });
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

// One answer for every htmx request that fails: htmx swaps nothing for a 4xx/5xx (base.html's
// responseHandling) and nothing when the network fails, so without this the click does nothing
// visible. The message (its texts in the page's language, from base.html) is announced.
(() => {
  const box = () => document.getElementById("request-failed");
  const show = (key) => {
    const region = box();
    if (!region) return;
    region.querySelector(".request-failed-text").textContent =
      region.dataset[key] || region.dataset.other;
    region.hidden = false;
  };
  const byStatus = (status) => {
    if (status === 403) return "forbidden";
    if (status === 404) return "missing";
    if (status === 409) return "conflict";
    if (status === 413) return "tooLarge";
    if (status === 429) return "tooMany";
    if (status >= 500) return "server";
    return "other";
  };
  document.addEventListener("htmx:responseError", (event) => {
    show(byStatus(event.detail.xhr.status));
  });
  document.addEventListener("htmx:sendError", () => show("network"));
  document.addEventListener("htmx:timeout", () => show("network"));
  document.addEventListener("htmx:beforeRequest", () => {
    const region = box();
    if (region) region.hidden = true;
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("#request-failed .request-failed-close")) box().hidden = true;
  });
})();

// A form refused through htmx (422, e.g. "Gửi hồ sơ bổ sung") brings its own error summary:
// focus it too, so its links lead to the fields.
document.addEventListener("htmx:afterSettle", (event) => {
  const elt = event.detail && event.detail.elt;
  const root = elt && elt.isConnected ? elt : document;
  const summary = root.querySelector && root.querySelector(".error-summary");
  if (summary && event.detail.xhr && event.detail.xhr.status === 422) summary.focus();
});
