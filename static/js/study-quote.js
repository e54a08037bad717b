/*
 * Select-to-quote on a study page's abstract. Select words and a "Quote in a new topic" button
 * appears under the selection, as the Quote button does on posts; pressing it opens the new-topic
 * composer with [quote="doi:…"] … [/quote] filled in (after any draft), where the quote is checked
 * against this abstract. A study page has no reply box of its own, so a new topic is where a
 * Discourse reader expects a quote of something outside a topic to go.
 *
 * Section headings ("Conclusion:") are labels, not words of the abstract, and are left out.
 */
(() => {
  "use strict";

  const MAX_QUOTE = 4000;

  function init() {
    const abstract = document.querySelector("[data-study-abstract][data-quote-url]");
    if (!abstract) return;

    const button = document.createElement("button");
    button.type = "button";
    button.className = "quote-button study-quote-button";
    button.textContent = "Quote in a new topic";
    button.hidden = true;
    let words = "";

    // Keep the selection alive while the button is pressed.
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => {
      if (!words) return;
      const url = `${abstract.dataset.quoteUrl}&quote=${encodeURIComponent(words.slice(0, MAX_QUOTE))}`;
      window.location.assign(url);
    });

    function hide() { button.hidden = true; words = ""; }

    function selectedWords(range) {
      const fragment = range.cloneContents();
      fragment.querySelectorAll(".study__abstract-section, h2, .study__quote-help, .study-quote-button")
        .forEach((node) => node.remove());
      return fragment.textContent.replace(/\s+/g, " ").trim();
    }

    function update() {
      const selection = window.getSelection();
      if (!selection || selection.isCollapsed || selection.rangeCount === 0) return hide();
      const range = selection.getRangeAt(0);
      if (!abstract.contains(range.startContainer) || !abstract.contains(range.endContainer)) return hide();
      words = selectedWords(range);
      if (!words) return hide();
      // Right after the abstract's text, so Tab from a keyboard selection reaches it.
      abstract.append(button);
      const rect = range.getBoundingClientRect();
      const box = abstract.getBoundingClientRect();
      button.style.top = `${Math.max(0, rect.bottom - box.top + 6)}px`;
      button.style.left = `${Math.max(0, Math.min(rect.left - box.left, box.width - 180))}px`;
      button.hidden = false;
    }

    let timer = null;
    document.addEventListener("selectionchange", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    });
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") hide(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
