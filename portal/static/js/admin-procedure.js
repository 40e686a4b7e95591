// Procedure editor, progressive enhancement only: without this file "Thêm dòng" and
// "Tải danh sách lĩnh vực" submit the form and the server re-renders it.
document.addEventListener("DOMContentLoaded", () => {
  // htmx reloads the field select when the agency changes, so the fallback button goes.
  document.querySelectorAll("[data-js-hide]").forEach((el) => { el.hidden = true; });

  // Add a blank row in place: copy the last row and renumber "documents-3-name" etc.
  document.querySelectorAll("button[data-add-row]").forEach((button) => {
    button.addEventListener("click", (event) => {
      const list = button.dataset.addRow;
      const rows = document.querySelectorAll(`#rows-${list} .entry`);
      if (!rows.length) return; // nothing to copy: let the form submit
      event.preventDefault();
      const last = rows[rows.length - 1];
      const copy = last.cloneNode(true);
      const index = rows.length;
      const pattern = new RegExp(`^${list}-\\d+-`);
      const renumber = (value) => value.split(" ")
        .filter((part) => !part.endsWith("-error")) // the copy starts without errors
        .map((part) => part.replace(pattern, `${list}-${index}-`)).join(" ");
      copy.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach((el) => {
        ["id", "name", "for", "aria-describedby"].forEach((attr) => {
          if (el.hasAttribute(attr)) el.setAttribute(attr, renumber(el.getAttribute(attr)));
        });
      });
      copy.querySelectorAll(".invalid-feedback").forEach((el) => el.remove());
      copy.querySelectorAll(".is-invalid").forEach((el) => el.classList.remove("is-invalid"));
      copy.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
      copy.querySelectorAll("input, textarea, select").forEach((el) => {
        if (el.type === "checkbox") el.checked = el.defaultChecked;
        else if (el.tagName === "SELECT") el.selectedIndex = 0;
        else el.value = "";
      });
      const number = copy.querySelector(".row-number");
      if (number) number.textContent = String(index + 1);
      last.after(copy);
      const first = copy.querySelector("input, textarea, select");
      if (first) first.focus();
    });
  });

  // Publishing, unpublishing and discarding ask once before they happen.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
