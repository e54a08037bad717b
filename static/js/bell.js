/*
 * The bell opens a menu of the latest notifications, fetched as a server-rendered fragment.
 * Without JavaScript (or with a modifier key, to open a tab) the bell is a link to the full page.
 */
(() => {
  "use strict";

  const bell = document.querySelector("a[data-bell-menu]");
  if (!bell) return;
  const menu = document.createElement("div");
  menu.className = "bell-menu";
  menu.id = "bell-menu";
  menu.hidden = true;
  menu.setAttribute("role", "region");
  menu.setAttribute("aria-label", "Latest notifications");
  bell.after(menu);
  bell.setAttribute("aria-controls", menu.id);
  bell.setAttribute("aria-expanded", "false");

  function close(returnFocus) {
    if (menu.hidden) return;
    menu.hidden = true;
    bell.setAttribute("aria-expanded", "false");
    if (returnFocus) bell.focus();
  }

  async function open() {
    menu.hidden = false;
    bell.setAttribute("aria-expanded", "true");
    menu.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(bell.dataset.bellMenu, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      // A fragment the server rendered and escaped, from the same templates as the full page.
      menu.innerHTML = await response.text();
    } catch {
      window.location.href = bell.href;  // the full page still works
      return;
    } finally {
      menu.removeAttribute("aria-busy");
    }
    menu.querySelector("a")?.focus();
  }

  bell.addEventListener("click", (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (menu.hidden) open(); else close(false);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !menu.hidden) close(true);
  });
  document.addEventListener("click", (event) => {
    if (!menu.hidden && !menu.contains(event.target) && !bell.contains(event.target)) close(false);
  });
})();
