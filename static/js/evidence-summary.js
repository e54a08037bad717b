/*
 * The evidence summary form's suggestions follow the studies ticked and the judgements chosen.
 * Without JavaScript the "Update suggestions" button asks for them; with it, the same request
 * (the form posted with suggest=1, which saves nothing) is made on each change and only the
 * suggestion boxes are replaced. A failed request leaves the boxes as they were.
 */
(() => {
  "use strict";

  const form = document.querySelector("form[data-evidence-summary]");
  if (!form) return;
  let pending = null;
  let latest = 0;

  const refresh = async () => {
    const asked = ++latest;
    const body = new FormData(form);
    body.set("suggest", "1");
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
      });
      if (!response.ok || asked !== latest) return;  // a newer change has its own request
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const box of form.querySelectorAll(".certainty-suggestion[id]")) {
        const fresh = page.getElementById(box.id);
        if (fresh && fresh.innerHTML !== box.innerHTML) box.innerHTML = fresh.innerHTML;
      }
    } catch (error) {
      // Offline or refused: the button still asks, and saving never depended on this.
    }
  };

  form.addEventListener("change", (event) => {
    const name = event.target.name || "";
    if (!/-(study_ids|[a-z_]+_judgement)$/.test(name)) return;
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);
  });
})();
