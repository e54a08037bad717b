/*
 * The composer's helpers: drafts saved as you type (to the server for this topic, and to this
 * browser as a fallback), a "Discard draft" button, and @mention suggestions. Without
 * JavaScript the composer is a plain form and the server still restores a saved draft.
 */
(() => {
  "use strict";

  const csrf = (form) => form.querySelector("[name=csrfmiddlewaretoken]")?.value ?? "";

  /* ---------- drafts ---------- */

  function setUpDrafts(form) {
    const url = form.dataset.draftUrl;
    const input = form.querySelector("[data-composer-input]");
    const status = form.querySelector("[data-draft-status]");
    if (!url || !input) return;
    const title = form.querySelector("[name=title]");
    const replyTo = form.querySelector("[name=reply_to]");
    const localKey = `evident-draft:${url}`;

    // The server restores its own copy into the page; a newer local copy (the network was down
    // while typing) wins when the page came without one.
    try {
      const local = JSON.parse(localStorage.getItem(localKey) || "null");
      if (local && !input.value && local.raw) {
        input.value = local.raw;
        if (title && !title.value && local.title) title.value = local.title;
        say("Restored your unsaved draft from this browser.");
      }
    } catch { /* storage disabled: drafts still go to the server */ }

    let timer = null;
    const save = async () => {
      const body = new FormData();
      body.append("raw", input.value);
      if (title) body.append("title", title.value);
      if (replyTo?.value) body.append("reply_to", replyTo.value);
      try { localStorage.setItem(localKey, JSON.stringify({ raw: input.value, title: title?.value ?? "" })); } catch {}
      try {
        const response = await fetch(url, { method: "POST", body, credentials: "same-origin",
          headers: { "X-CSRFToken": csrf(form), Accept: "application/json" } });
        if (response.ok) {
          const data = await response.json();
          say(data.saved ? "Draft saved." : "");
          showDiscard(data.saved);
        }
      } catch { say("Draft kept in this browser; it will be saved when you are back online."); }
    };
    const schedule = () => { clearTimeout(timer); timer = setTimeout(save, 1200); };
    input.addEventListener("input", schedule);
    title?.addEventListener("input", schedule);
    form.addEventListener("submit", (event) => {
      if (event.submitter?.name === "preview") return;
      clearTimeout(timer);
      try { localStorage.removeItem(localKey); } catch {}
    });

    let discard = null;
    function showDiscard(visible) {
      if (!discard) {
        discard = document.createElement("button");
        discard.type = "button";
        discard.className = "link-button";
        discard.textContent = "Discard draft";
        discard.addEventListener("click", async () => {
          clearTimeout(timer);
          const body = new FormData();
          body.append("discard", "1");
          await fetch(url, { method: "POST", body, credentials: "same-origin",
            headers: { "X-CSRFToken": csrf(form), Accept: "application/json" } }).catch(() => {});
          try { localStorage.removeItem(localKey); } catch {}
          input.value = "";
          if (title) title.value = "";
          say("Draft discarded.");
          discard.hidden = true;
          input.focus();
        });
        status?.after(discard);
      }
      discard.hidden = !visible;
    }
    if (status && !status.hidden) showDiscard(true);

    function say(text) {
      if (!status) return;
      status.textContent = text;
      status.hidden = !text;
    }
  }

  /* ---------- @mention suggestions ---------- */

  function setUpMentions(form) {
    const input = form.querySelector("[data-composer-input]");
    if (!input) return;
    const list = document.createElement("ul");
    list.className = "mention-suggestions";
    list.id = `mentions-${Math.random().toString(36).slice(2)}`;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggested members");
    list.hidden = true;
    input.after(list);
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    let active = -1;
    let options = [];
    // Every change of the text starts a new generation; an answer from an older one is stale
    // (the text was cleared or changed while it travelled) and must not reopen the list.
    let generation = 0;
    let pending = null;

    const wordAtCursor = () => {
      const upto = input.value.slice(0, input.selectionStart);
      const match = upto.match(/(?:^|[\s(])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,29})$/);
      return match ? match[1] : null;
    };

    const close = () => { list.hidden = true; active = -1; input.removeAttribute("aria-activedescendant"); };

    const choose = (username) => {
      const start = input.selectionStart;
      const upto = input.value.slice(0, start);
      const at = upto.lastIndexOf("@");
      if (at < 0 || wordAtCursor() === null) return close();  // nothing left to complete
      input.setRangeText(`@${username} `, at, start, "end");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      close();
      input.focus();
    };

    const highlight = (index) => {
      options.forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
      active = index;
      if (options[index]) input.setAttribute("aria-activedescendant", options[index].id);
    };

    input.addEventListener("input", async () => {
      const ticket = ++generation;
      if (pending) pending.abort();
      pending = null;
      const query = wordAtCursor();
      if (!query) return close();
      const request = new AbortController();
      pending = request;
      let data;
      try {
        const response = await fetch(`/u/-/suggest/?q=${encodeURIComponent(query)}`,
                                     { credentials: "same-origin", signal: request.signal });
        data = await response.json();
      } catch {
        if (ticket === generation) close();
        return;
      }
      if (ticket !== generation || wordAtCursor() !== query) return;  // the text changed meanwhile
      list.replaceChildren();
      options = data.results.map((member, index) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${index}`;
        li.setAttribute("role", "option");
        li.textContent = `@${member.username}`;
        const name = document.createElement("span");
        name.className = "muted";
        name.textContent = ` ${member.name}`;
        li.append(name);
        li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(member.username); });
        list.append(li);
        return li;
      });
      if (!options.length) return close();
      list.hidden = false;
      highlight(0);
    });

    input.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % options.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + options.length) % options.length); }
      else if (event.key === "Enter" || event.key === "Tab") {
        if (active < 0 || wordAtCursor() === null) return close();  // the key does what it normally does
        event.preventDefault();
        choose(options[active].textContent.split(" ")[0].slice(1));
      } else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  function init() {
    document.querySelectorAll("form[data-composer]").forEach((form) => {
      setUpDrafts(form);
      setUpMentions(form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
