/*
 * Evident: progressive enhancement only. Every feature here also works without JavaScript
 * (Preview submits the form, "Reply" links open the reply page); this file just saves a
 * page load. No dependencies, no inline script: loaded with `defer` from base.html.
 */
(() => {
  "use strict";

  const csrfToken = (form) => form.querySelector('input[name="csrfmiddlewaretoken"]')?.value ?? "";

  /* ---------- composer preview ---------- */

  function setUpPreview(form) {
    const button = form.querySelector("[data-preview-url]");
    const input = form.querySelector("[data-composer-input]");
    const output = form.querySelector("[data-composer-preview]");
    if (!button || !input || !output) return;

    // The edit page hides Preview because, without JavaScript, it would have nothing to do.
    button.hidden = false;

    button.addEventListener("click", async (event) => {
      event.preventDefault();
      const body = new FormData();
      body.append("raw", input.value);
      if (button.dataset.topicId) body.append("topic", button.dataset.topicId);
      output.hidden = false;
      output.setAttribute("aria-busy", "true");
      button.disabled = true;
      try {
        const response = await fetch(button.dataset.previewUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch" },
        });
        // A 400 still carries a fragment explaining the problem ("too long to preview").
        const html = await response.text();
        if (response.ok || response.status === 400) {
          // The server sanitised this fragment with the same pipeline that saves posts.
          output.innerHTML = html;
          // The text cites a study its writer is an author of: ask for a competing-interests line.
          const interests = form.querySelector("[data-interests]");
          if (interests && output.querySelector("[data-authorship-detected]")) interests.hidden = false;
        } else {
          showPreviewError(output, `Preview failed (error ${response.status}). Your text is safe; try again.`);
        }
      } catch {
        showPreviewError(output, "Couldn’t reach the server for a preview. Your text is safe; try again.");
      } finally {
        output.removeAttribute("aria-busy");
        button.disabled = false;
      }
    });
  }

  function showPreviewError(output, text) {
    const p = document.createElement("p");
    p.className = "field__errors";
    p.setAttribute("role", "alert");
    p.textContent = text;
    output.replaceChildren(p);
  }

  /* ---------- reply to a specific post, in the composer on the same page ---------- */

  function setUpReplyLinks(form) {
    const target = form.querySelector('input[name="reply_to"]');
    const input = form.querySelector("[data-composer-input]");
    if (!target || !input) return;

    let context = form.querySelector(".composer__context");

    const clear = () => {
      target.value = "";
      context?.remove();
      context = null;
      input.focus();
    };

    const show = (number, author) => {
      if (!context) {
        context = document.createElement("p");
        context.className = "composer__context";
        target.after(context);
      }
      const link = document.createElement("a");
      link.href = `#post-${number}`;
      link.textContent = author ? `#${number} by ${author}` : `#${number}`;
      context.replaceChildren("Replying to ", link, " ", cancelButton());
    };

    function cancelButton() {
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "link-button";
      cancel.textContent = "Cancel";
      cancel.setAttribute("aria-label", "Cancel reply");
      cancel.addEventListener("click", clear);
      return cancel;
    }

    // A server-rendered "Replying to" line (the reply page, or after a failed submit) keeps its
    // link to the post and gains the same Cancel button.
    if (context && target.value) context.append(" ", cancelButton());

    document.addEventListener("click", (event) => {
      const link = event.target.closest?.("a[data-reply-to]");
      if (!link || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      const number = link.dataset.replyTo;
      const post = link.closest(".post");
      const author = post?.querySelector(".post__author")?.textContent.trim() ?? "";
      target.value = number;
      show(number, author);
      const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      input.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "center" });
      input.focus({ preventScroll: true });
    });
  }

  /* ---------- after an action: the post acted on has the focus ---------- */

  // After posting, flagging, voting or accepting, the server places a notice right after the post
  // concerned. Focus goes to that post (not the page body), so keyboard and screen-reader users
  // continue from it and hear its notice.
  function focusPostActedOn() {
    const notice = document.querySelector("[data-post-notice]");
    const post = notice && document.getElementById(`post-${notice.dataset.postNotice}`);
    if (!post) return;
    post.setAttribute("tabindex", "-1");
    post.setAttribute("aria-describedby", notice.id);
    post.focus({ preventScroll: true });
    post.scrollIntoView({ block: "start" });
  }

  /* ---------- start ---------- */

  /* ---------- the Evidence panel folds away on a phone ---------- */

  function foldEvidenceOnNarrowScreens() {
    if (!window.matchMedia("(max-width: 40rem)").matches) return;
    document.querySelectorAll("details[data-evidence]").forEach((details) => { details.open = false; });
  }

  function init() {
    foldEvidenceOnNarrowScreens();
    focusPostActedOn();
    const forms = document.querySelectorAll("form[data-composer]");
    forms.forEach(setUpPreview);
    // Reply links only take over when the page has exactly one composer to reply into.
    const replyForm = [...forms].find((form) => form.querySelector('input[name="reply_to"]'));
    if (replyForm) setUpReplyLinks(replyForm);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
