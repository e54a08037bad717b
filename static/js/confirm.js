/*
 * Destructive buttons (data-confirm="question") ask in a dialog before their form is sent. The
 * server asks too, on a page of its own, when a request arrives without confirm=yes: so without
 * JavaScript nothing is destroyed on one click either. This only saves that page load.
 */
(() => {
  "use strict";

  let dialog = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-question");
    const question = document.createElement("p");
    question.id = "confirm-dialog-question";
    const buttons = document.createElement("form");
    buttons.method = "dialog";
    buttons.className = "mod-panel__buttons";
    const yes = document.createElement("button");
    yes.value = "yes";
    yes.className = "button button--danger";
    const no = document.createElement("button");
    no.value = "no";
    no.className = "button";
    no.textContent = "Cancel";
    buttons.append(yes, no);
    dialog.append(question, buttons);
    document.body.append(dialog);
  }

  function ask(button) {
    if (!dialog) build();
    dialog.querySelector("p").textContent = button.dataset.confirm;
    dialog.querySelector('button[value="yes"]').textContent = button.textContent.trim();
    dialog.returnValue = "";
    dialog.onclose = null;
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "yes") { button.focus(); return; }
      const form = button.form;
      let flag = form.querySelector('input[name="confirm"]');
      if (!flag) {
        flag = document.createElement("input");
        flag.type = "hidden";
        flag.name = "confirm";
        form.append(flag);
      }
      flag.value = "yes";
      button.dataset.confirmed = "yes";
      form.requestSubmit(button);
    }, { once: true });
    dialog.showModal();
    // The safe choice has the focus, as in the platform's own confirmations.
    dialog.querySelector('button[value="no"]').focus();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("button[data-confirm]");
    if (!button || !button.form || button.dataset.confirmed === "yes") return;
    event.preventDefault();
    ask(button);
  });
})();
