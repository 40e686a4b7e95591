// Progressive enhancement for the staff workspace: every form also works without this file.
document.addEventListener("htmx:afterSettle", () => {
  // After an action, move focus to its outcome (the first error summary, or the message)
  // so keyboard and screen-reader users hear what happened.
  const focus = document.querySelector("#workspace .error-summary, #workspace .workspace-message");
  if (focus) {
    if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
    focus.focus();
  }
});
