/*
 * Live counters for fields with a length limit (`data-limit`). The limit is never enforced by
 * cutting: a paste over it stays whole, the counter says by how much it is over, and the server
 * refuses it with the same figure, the text kept, so the writer decides what to shorten.
 */
(() => {
  "use strict";

  // The counter appears once a text is this close to its limit; short texts stay uncluttered.
  const SHOW_FROM = 0.8;
  const number = new Intl.NumberFormat("en");

  function setUp(field) {
    const limit = Number(field.dataset.limit);
    if (!limit || field.dataset.limitReady) return;
    field.dataset.limitReady = "1";
    const counter = document.createElement("p");
    counter.className = "field__count";
    counter.id = `${field.id || field.name}-count`;
    counter.hidden = true;
    // Announced only when the text crosses the limit, not on every keystroke.
    const alert = document.createElement("span");
    alert.className = "visually-hidden";
    alert.setAttribute("aria-live", "polite");
    field.after(counter, alert);
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    field.setAttribute("aria-describedby", [...described, counter.id].join(" "));

    // The server refused this text as too long and says so under the field: the counter would
    // say it a second time, so it waits until the writer changes the text, and then the
    // server's message (now out of date) gives way to it.
    let serverError = field.closest(".field")?.querySelector(".field__errors");
    let refusedLength = serverError && /limited to/.test(serverError.textContent) ? field.value.length : null;

    let wasOver = false;
    const update = () => {
      const length = field.value.length;
      if (refusedLength !== null) {
        if (length === refusedLength) {
          counter.hidden = true;
          wasOver = length > limit;
          return;
        }
        serverError.remove();
        serverError = null;
        refusedLength = null;
      }
      const over = length > limit;
      counter.hidden = length < limit * SHOW_FROM;
      counter.classList.toggle("field__count--over", over);
      counter.textContent = over
        ? `${number.format(length)} characters: ${number.format(length - limit)} over the limit of ${number.format(limit)}. Shorten it before posting; nothing has been cut.`
        : `${number.format(length)} of ${number.format(limit)} characters`;
      if (over !== wasOver) {
        alert.textContent = over ? `Over the limit by ${number.format(length - limit)} characters.` : "Within the limit again.";
        wasOver = over;
      }
    };
    field.addEventListener("input", update);
    update();
  }

  function init() {
    document.querySelectorAll("[data-limit]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
