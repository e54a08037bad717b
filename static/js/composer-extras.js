/*
 * The composer's helpers: drafts saved as you type (to the server for this topic, and to this
 * browser as a fallback), a "Discard draft" button, and @mention suggestions. Without
 * JavaScript the composer is a plain form and the server still restores a saved draft.
 */
(() => {
  "use strict";

  const csrf = (form) => form.querySelector("[name=csrfmiddlewaretoken]")?.value ?? "";

  /* ---------- drafts ---------- */

  // Everything a composer holds besides the body: a draft brings all of it back.
  const DRAFT_FIELDS = ["title", "category", "tags", "reason", "competing_interests"];

  function setUpDrafts(form) {
    const url = form.dataset.draftUrl;
    const input = form.querySelector("[data-composer-input]");
    const status = form.querySelector("[data-draft-status]");
    if (!url || !input) return;
    const fields = DRAFT_FIELDS.map((name) => form.querySelector(`[name=${name}]`)).filter(Boolean);
    const replyTo = form.querySelector("[name=reply_to]");
    const token = form.querySelector("[name=submit_token]");
    const localKey = `evident-draft:${url}`;

    const snapshot = () => {
      const data = { raw: input.value };
      fields.forEach((field) => { data[field.name] = field.value; });
      if (replyTo) data.reply_to = replyTo.value;
      return data;
    };

    // The server restores its own copy into the page; a newer local copy (the network was down
    // while typing) wins when the page came without one.
    try {
      const local = JSON.parse(localStorage.getItem(localKey) || "null");
      if (local && !input.value && local.raw) {
        input.value = local.raw;
        fields.forEach((field) => { if (!field.value && local[field.name]) field.value = local[field.name]; });
        if (replyTo && !replyTo.value && local.reply_to) replyTo.value = local.reply_to;
        say("Restored your unsaved draft from this browser.");
      }
    } catch { /* storage disabled: drafts still go to the server */ }
    // A textarea filled by the page starts with its cursor before the first word, so "Add
    // reference" or an upload would land in front of the writer's text: put it after the last,
    // where the writer left off (without focusing, so the page does not scroll to it).
    if (input.value) input.setSelectionRange(input.value.length, input.value.length);

    let timer = null;
    const save = async () => {
      const data = snapshot();
      const body = new FormData();
      Object.entries(data).forEach(([name, value]) => { if (value) body.append(name, value); });
      if (!body.has("raw")) body.append("raw", "");
      try { localStorage.setItem(localKey, JSON.stringify(data)); } catch {}
      try {
        const response = await fetch(url, { method: "POST", body, credentials: "same-origin",
          headers: { "X-CSRFToken": csrf(form), Accept: "application/json" } });
        if (response.ok) {
          const answer = await response.json();
          say(answer.saved ? "Draft saved." : "");
          showDiscard(answer.saved);
        }
      } catch { say("Draft kept in this browser; it will be saved when you are back online."); }
    };
    const schedule = () => { clearTimeout(timer); timer = setTimeout(save, 1200); };
    input.addEventListener("input", schedule);
    fields.forEach((field) => {
      field.addEventListener("input", schedule);
      field.addEventListener("change", schedule);
    });
    form.addEventListener("submit", (event) => {
      if (event.submitter?.name === "preview" || event.defaultPrevented) return;
      // A second click while the first is on its way would lead to the same post (the token sees
      // to that) but answer "already posted" instead of "posted": the form goes once. A send
      // that never arrives (the connection dropped) may be tried again after a few seconds.
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      setTimeout(() => { delete form.dataset.sending; }, 8000);
      clearTimeout(timer);
      try { localStorage.removeItem(localKey); } catch {}
      if (token?.value) {
        try { sessionStorage.setItem(`evident-sent:${token.value}`, "1"); } catch {}
      }
    });

    const empty = () => {
      input.value = "";
      fields.forEach((field) => { field.value = ""; });
      if (replyTo) replyTo.value = "";
      form.querySelector(".composer__context")?.remove();
      input.dispatchEvent(new Event("input", { bubbles: false }));
      clearTimeout(timer);
    };

    // Back after posting can show this page from the back/forward cache, as it was when sent:
    // text in the composer and the spent token. Ask the server whether that token was used; if
    // it was, the post exists, and the page is fetched again: the composer comes back empty with
    // a fresh token (and a topic page shows the new post). Without this, "Post reply" again would
    // only lead to the first post; with it, there is nothing to send twice.
    window.addEventListener("pageshow", async (event) => {
      if (event.persisted) delete form.dataset.sending;  // back from the cache: a send is over
      if (!event.persisted || !token?.value) return;
      let sent = false;
      try { sent = sessionStorage.getItem(`evident-sent:${token.value}`) === "1"; } catch {}
      if (!sent) return;
      try {
        const response = await fetch(`${url}?token=${encodeURIComponent(token.value)}`, {
          credentials: "same-origin", headers: { Accept: "application/json" } });
        const answer = await response.json();
        if (!answer.submitted) return;  // refused or never arrived: keep the text
      } catch { return; }
      try { sessionStorage.removeItem(`evident-sent:${token.value}`); } catch {}
      empty();  // at once, so the spent text is not there to send while the page reloads
      window.location.reload();
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
          empty();
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
