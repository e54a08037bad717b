/*
 * Quote-reply, Discourse style: select words in a post and press "Quote" to put
 * [quote="name, post:N, topic:M"] ... [/quote] into the reply composer, with the selection's
 * emphasis, links, lists and line breaks kept as markdown. Quotes in posts get an
 * expand/collapse toggle that fetches the whole source post. Without JavaScript each post's
 * "Quote" link opens the reply page with the whole post quoted.
 */
(() => {
  "use strict";

  /* ---------- HTML -> markdown, for the few things a quote should keep ---------- */

  function inline(node) {
    let out = "";
    node.childNodes.forEach((child) => { out += toMarkdown(child); });
    return out;
  }

  function toMarkdown(node) {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent.replace(/\s+/g, " ");
    if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return "";
    if (node.nodeType === Node.DOCUMENT_FRAGMENT_NODE) return inline(node);
    const tag = node.tagName.toLowerCase();
    // A quote's title bar and our own controls are chrome, not words of the post; so are a
    // citation's hover card and the post's generated reference list.
    if (node.matches(".quote__title, .quote__toggle, .footnote-backref, sup.footnote-ref, .cite-card, section.references")) return "";
    // A citation chip goes back to the markup its author typed ([@doi:…]), not its label.
    if (node.matches(".cite[data-cite]")) return node.dataset.cite;
    const text = () => inline(node).trim();
    switch (tag) {
      case "br": return "\n";
      case "em": case "i": return text() ? `*${text()}*` : "";
      case "strong": case "b": return text() ? `**${text()}**` : "";
      case "del": case "s": return text() ? `~~${text()}~~` : "";
      case "code": return node.closest("pre") ? node.textContent : `\`${node.textContent}\``;
      case "pre": return `\n\n\`\`\`\n${node.textContent.replace(/\n$/, "")}\n\`\`\`\n\n`;
      case "a": {
        const href = node.getAttribute("href") || "";
        const words = text();
        if (!href || href.startsWith("#")) return words;
        return words === href ? href : `[${words}](${href})`;
      }
      case "p": case "div": case "h1": case "h2": case "h3": case "h4": case "h5": case "h6":
        return `\n\n${text()}\n\n`;
      case "ul": case "ol": {
        let n = Number(node.getAttribute("start") || 1);
        const items = [...node.children].filter((li) => li.tagName === "LI").map((li) => {
          const mark = tag === "ol" ? `${n++}.` : "-";
          return `${mark} ${inline(li).trim().replace(/\n+/g, "\n   ")}`;
        });
        return `\n\n${items.join("\n")}\n\n`;
      }
      case "li": return `\n- ${text()}\n`;
      case "blockquote": return `\n\n${text().split("\n").map((l) => `> ${l}`).join("\n")}\n\n`;
      // A quote inside what is being quoted holds someone else's words (and their citations):
      // copied as paragraphs they would be credited to the wrong person and count as the
      // quoter's citations, so it is left out with "…", as Discourse does. (Words selected
      // wholly inside a quote are quoted from its own author: see attribution().)
      case "aside": return "\n\n…\n\n";
      case "img": return node.getAttribute("alt") || "";
      default: return inline(node);
    }
  }

  const tidy = (markdown) => markdown.replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n")
    .replace(/…(?:\n\n…)+/g, "…").trim();  // quotes in a row are one gap

  /* ---------- who is being quoted ---------- */

  function attribution(node, post) {
    // Words inside an existing quote belong to the person quoted there, not the quoter.
    const aside = node.closest?.("aside.quote[data-username][data-post]");
    if (aside && post.contains(aside)) {
      return { username: aside.dataset.username, post: aside.dataset.post, topic: aside.dataset.topic || post.dataset.topicId };
    }
    return { username: post.dataset.username, post: post.dataset.postNumber, topic: post.dataset.topicId };
  }

  const quoteMarkup = (who, body, full) =>
    `[quote="${who.username}, post:${who.post}, topic:${who.topic}${full ? ", full:true" : ""}"]\n${body}\n[/quote]\n\n`;

  /* ---------- the composer ---------- */

  function composer() {
    const form = document.querySelector("form[data-composer]");
    return form ? { form, input: form.querySelector("[data-composer-input]"), target: form.querySelector('input[name="reply_to"]') } : null;
  }

  function insertIntoComposer(text, replyTo) {
    const c = composer();
    if (!c || !c.input) return false;
    const { input } = c;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    const before = input.value.slice(0, start);
    const gap = before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "";
    input.setRangeText(gap + text, start, end, "end");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    if (c.target && !c.target.value && replyTo) c.target.value = replyTo;
    const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    input.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "center" });
    input.focus({ preventScroll: true });
    return true;
  }

  /* ---------- select to quote ---------- */

  function setUpSelectionQuoting() {
    if (!composer()) return;  // nowhere to put a quote: signed out, or the topic is closed
    const button = document.createElement("button");
    button.type = "button";
    button.className = "quote-button";
    button.textContent = "Quote";
    button.hidden = true;
    let pending = null;

    // Keep the selection alive while the button is pressed.
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => {
      if (!pending) return;
      insertIntoComposer(quoteMarkup(pending.who, pending.markdown, false), pending.replyTo);
      window.getSelection()?.removeAllRanges();
      hide();
    });

    function hide() { button.hidden = true; pending = null; }

    function update() {
      const selection = window.getSelection();
      if (!selection || selection.isCollapsed || selection.rangeCount === 0) return hide();
      const range = selection.getRangeAt(0);
      const start = range.startContainer.parentElement?.closest(".post__body");
      const end = range.endContainer.parentElement?.closest(".post__body");
      const startNode = range.startContainer.nodeType === Node.ELEMENT_NODE ? range.startContainer : range.startContainer.parentElement;
      const bodyOfStart = startNode?.closest(".post__body") || start;
      // A selection across two posts (or outside any post) offers nothing.
      if (!bodyOfStart || bodyOfStart !== (end || bodyOfStart) || !bodyOfStart.contains(range.endContainer)) return hide();
      const post = bodyOfStart.closest(".post");
      const common = range.commonAncestorContainer.nodeType === Node.ELEMENT_NODE
        ? range.commonAncestorContainer : range.commonAncestorContainer.parentElement;
      const markdown = tidy(toMarkdown(range.cloneContents()));
      if (!markdown) return hide();
      pending = { who: attribution(common, post), markdown, replyTo: post.dataset.postNumber };
      // Sits right after the post body, so Tab from a keyboard selection reaches it.
      bodyOfStart.after(button);
      const rect = range.getBoundingClientRect();
      const box = post.getBoundingClientRect();
      button.style.top = `${Math.max(0, rect.bottom - box.top + 6)}px`;
      button.style.left = `${Math.max(0, Math.min(rect.left - box.left, box.width - 90))}px`;
      button.hidden = false;
    }

    let timer = null;
    document.addEventListener("selectionchange", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    });
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") hide(); });
  }

  /* ---------- the whole-post Quote link ---------- */

  function setUpWholePostQuoting() {
    document.addEventListener("click", (event) => {
      const link = event.target.closest?.("a[data-quote-whole]");
      if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const post = link.closest(".post");
      const body = post?.querySelector(".post__body");
      if (!body || !composer()) return;  // falls back to the reply page
      event.preventDefault();
      const who = { username: post.dataset.username, post: post.dataset.postNumber, topic: post.dataset.topicId };
      insertIntoComposer(quoteMarkup(who, tidy(toMarkdown(body)), true), post.dataset.postNumber);
    });
  }

  /* ---------- expand and collapse a quote ---------- */

  function setUpQuoteToggles() {
    document.querySelectorAll(".post__body aside.quote[data-post][data-topic]").forEach((aside) => {
      if (aside.dataset.status === "missing" || aside.dataset.toggleReady) return;
      aside.dataset.toggleReady = "1";
      const title = aside.querySelector(":scope > .quote__title");
      const quoted = aside.querySelector(":scope > blockquote");
      if (!title || !quoted) return;
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "quote__toggle link-button";
      toggle.setAttribute("aria-expanded", "false");
      toggle.textContent = "Expand quote";
      title.append(toggle);
      const original = quoted.innerHTML;
      let full = null;
      toggle.addEventListener("click", async () => {
        if (toggle.getAttribute("aria-expanded") === "true") {
          quoted.innerHTML = original;
          toggle.setAttribute("aria-expanded", "false");
          toggle.textContent = "Expand quote";
          return;
        }
        if (full === null) {
          toggle.disabled = true;
          try {
            const response = await fetch(`/t/${aside.dataset.topic}/posts/${aside.dataset.post}/cooked/`, { credentials: "same-origin" });
            // The server only returns posts this reader may see, already sanitised.
            full = response.ok ? await response.text() : null;
          } catch { full = null; }
          toggle.disabled = false;
          if (full === null) { toggle.textContent = "Source unavailable"; toggle.disabled = true; return; }
        }
        quoted.innerHTML = full;
        toggle.setAttribute("aria-expanded", "true");
        toggle.textContent = "Collapse quote";
      });
    });
  }

  function init() {
    setUpQuoteToggles();
    // Posts that arrive or change while the page is open (static/js/live.js) get theirs too.
    document.addEventListener("evident:posts-changed", setUpQuoteToggles);
    setUpSelectionQuoting();
    setUpWholePostQuoting();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
