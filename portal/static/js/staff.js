// Progressive enhancement for the staff workspace: every form also works without this file.

// The workspace drawn with one action's form open (its link followed as a plain page, before
// htmx took over or without it): the officer asked for that form, so focus its first field.
function focusOpenedForm() {
  const field = document.querySelector(
    "form[data-opened] textarea, form[data-opened] select, form[data-opened] input:not([type=hidden])");
  if (field) field.focus();
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", focusOpenedForm);
} else {
  focusOpenedForm();
}
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.target;
  if (target && target.isConnected
      && (target.classList.contains("action-slot") || target.id === "ws-history-list")) {
    // An action's form or the whole history, loaded on demand: focus goes to what appeared
    // (the form's first field, else its button; the list) so keyboard users carry on there.
    const form = target.querySelector("form");
    const next = form
      ? form.querySelector("textarea, select, input:not([type=hidden]), button")
      : target.querySelector("ol");
    if (next) {
      if (!form) next.setAttribute("tabindex", "-1");
      next.focus();
    }
    return;
  }
  // After an action, move focus to its outcome (the first error summary, or the message)
  // so keyboard and screen-reader users hear what happened.
  const focus = document.querySelector("#workspace .error-summary, #workspace .workspace-message");
  if (focus) {
    if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
    focus.focus();
  }
});
