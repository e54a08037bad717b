/*
 * Keyboard shortcuts on topic pages, Discourse's letters: j / k next and previous post, r reply
 * (to the current post, or to the topic), q quote (the selected words, or the whole current
 * post), ? lists them. A letter typed into a text field, or with Ctrl, Alt or Cmd held, is never
 * a shortcut. Everything here is also a link or a button on the page; this only saves travel.
 */
(() => {
  "use strict";

  const SHORTCUTS = [
    ["j", "Next post"],
    ["k", "Previous post"],
    ["r", "Reply (to the current post, or to the topic)"],
    ["q", "Quote the selected words, or the whole current post"],
    ["?", "Show these shortcuts"],
    ["Esc", "Close this list"],
  ];

  function typing(target) {
    if (!(target instanceof Element)) return false;
    return target.isContentEditable || !!target.closest("input, textarea, select, [contenteditable]");
  }

  const posts = () => [...document.querySelectorAll("article.post[data-post-number]")];

  function currentPost() {
    return document.querySelector("article.post.post--current");
  }

  function moveTo(post) {
    if (!post) return;
    currentPost()?.classList.remove("post--current");
    post.classList.add("post--current");
    // Focusable by script only, so Tab order is unchanged; focus lets a screen reader follow.
    if (!post.hasAttribute("tabindex")) post.setAttribute("tabindex", "-1");
    const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    post.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "start" });
    post.focus({ preventScroll: true });
  }

  function step(direction) {
    const all = posts();
    if (!all.length) return;
    const current = currentPost();
    let index = current ? all.indexOf(current) + direction : -1;
    if (index < 0 && !current) {
      // No current post yet: start from the first post below the top of the window.
      index = all.findIndex((post) => post.getBoundingClientRect().top >= 0);
      if (index < 0) index = all.length - 1;
      if (direction < 0 && index > 0) index -= 1;
    }
    moveTo(all[Math.max(0, Math.min(all.length - 1, index))]);
  }

  function reply() {
    const link = currentPost()?.querySelector("a[data-reply-to]");
    if (link) { link.click(); return; }
    const input = document.querySelector("form[data-composer] [data-composer-input]");
    if (input) { input.scrollIntoView({ block: "center" }); input.focus({ preventScroll: true }); return; }
    document.querySelector("a[data-reply-to]")?.click();
  }

  function quote() {
    const button = document.querySelector(".quote-button");
    if (button && !button.hidden) { button.click(); return; }
    const post = currentPost();
    post?.querySelector("a[data-quote-whole]")?.click();
  }

  let dialog = null;

  function showHelp() {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "shortcuts-dialog";
      dialog.setAttribute("aria-labelledby", "shortcuts-heading");
      const heading = document.createElement("h2");
      heading.id = "shortcuts-heading";
      heading.textContent = "Keyboard shortcuts";
      const list = document.createElement("dl");
      SHORTCUTS.forEach(([key, what]) => {
        const term = document.createElement("dt");
        const kbd = document.createElement("kbd");
        kbd.textContent = key;
        term.append(kbd);
        const description = document.createElement("dd");
        description.textContent = what;
        list.append(term, description);
      });
      const note = document.createElement("p");
      note.className = "muted";
      note.textContent = "Letters typed in a text box are just letters.";
      const close = document.createElement("button");
      close.type = "button";
      close.className = "button";
      close.textContent = "Close";
      close.addEventListener("click", () => dialog.close());
      dialog.append(heading, list, note, close);
      document.body.append(dialog);
    }
    if (!dialog.open) dialog.showModal();
  }

  const onTopicPage = () => posts().length > 0;

  // The hint is in the page for everyone but only true with this script running.
  document.querySelectorAll("[data-shortcuts-hint]").forEach((hint) => { hint.hidden = false; });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || dialog?.open || !onTopicPage()) return;
    const action = { j: () => step(1), k: () => step(-1), r: reply, q: quote, "?": showHelp }[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
})();
