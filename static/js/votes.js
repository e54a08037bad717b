/*
 * Helpful votes without a page load: the vote form still works as a plain POST without
 * JavaScript; with it, the count and the pressed state update in place. Each form asks for a
 * state ("helpful" 1 or 0), never a toggle, so a double click cannot undo itself.
 */
(() => {
  "use strict";

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest?.("form[data-vote]");
    if (!form) return;
    event.preventDefault();
    const button = form.querySelector("button");
    const count = form.querySelector("[data-vote-count]");
    const wanted = form.querySelector("[data-vote-value]");
    if (button.disabled) return;  // a second click while the first is on its way
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
      });
      const data = await response.json();
      if (!response.ok) throw new Error(data.error || `error ${response.status}`);
      button.setAttribute("aria-pressed", data.voted ? "true" : "false");
      if (wanted) wanted.value = data.voted ? "0" : "1";  // the next press asks for the other state
      count.textContent = String(data.count);
    } catch (error) {
      form.submit();  // let the server answer in full (it explains any refusal)
    } finally {
      button.disabled = false;
    }
  });
})();
