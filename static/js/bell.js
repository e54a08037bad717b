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

  async function rows() {
    const response = await fetch(bell.dataset.bellMenu, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(String(response.status));
    // A fragment the server rendered and escaped, from the same templates as the full page.
    return response.text();
  }

  async function open() {
    menu.hidden = false;
    bell.setAttribute("aria-expanded", "true");
    menu.setAttribute("aria-busy", "true");
    try {
      menu.innerHTML = await rows();
    } catch {
      window.location.href = bell.href;  // the full page still works
      return;
    } finally {
      menu.removeAttribute("aria-busy");
    }
    menu.querySelector("a")?.focus();
  }

  // Live pages (static/js/live.js) say when this member's notifications changed: an open menu
  // shows the new rows in place, keeping focus where the reader had it.
  document.addEventListener("evident:notifications-changed", async () => {
    if (menu.hidden) return;
    try {
      const html = await rows();
      if (menu.hidden) return;
      const focused = menu.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
      menu.innerHTML = html;
      if (focused) menu.querySelector(`a[href="${CSS.escape(focused)}"]`)?.focus();
    } catch {
      // The menu keeps what it showed; the bell's count is already current.
    }
  });

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
