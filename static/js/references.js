/*
 * The composer's "Add reference" dialog: paste a DOI, PMID or BibTeX entry, see what the site
 * makes of it (title, journal, year, design and status), and insert the citation markup at the
 * cursor. Without JavaScript the "Add reference" link opens /studies/add/ in a new tab and the
 * `[@doi:…]` syntax works on its own; this file only saves the trip.
 *
 * The search field above the paste box finds a study by title words, authors, a year or an
 * article's address (static/js/study-finder.js); typing `[@` and words in the composer opens the
 * same suggestions there.
 *
 * Everything shown here comes from JSON, so it is built with textContent, never innerHTML.
 */
(() => {
  "use strict";

  const POLL_EVERY_MS = 1000;
  const POLL_FOR_MS = 15000;

  const csrfToken = (form) => form.querySelector('input[name="csrfmiddlewaretoken"]')?.value ?? "";

  // Server values end up in class names; keep them to the shape the server uses.
  const token = (value) => String(value ?? "").replace(/[^a-z0-9_-]/gi, "");

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ---------- the dialog, built once per page ---------- */

  let ui = null;

  function buildDialog() {
    const dialog = element("dialog", "reference-dialog");
    dialog.setAttribute("aria-labelledby", "reference-dialog-title");

    const form = element("form", "reference-dialog__form");
    form.method = "dialog";
    form.noValidate = true;

    const body = element("div", "reference-dialog__body");
    const title = element("h2", "", "Add reference");
    title.id = "reference-dialog-title";

    const searchField = element("div", "field reference-dialog__search");
    const searchLabel = element("label", "", "Find a study");
    searchLabel.htmlFor = "reference-dialog-search";
    const search = element("input");
    search.id = "reference-dialog-search";
    search.type = "text";
    search.autocomplete = "off";
    search.spellcheck = false;
    search.setAttribute("aria-describedby", "reference-dialog-search-help");
    const searchHelp = element("p", "field__help",
      "Title words, an author, a year (“Younger 2013 naltrexone fibromyalgia”), or an article’s web address.");
    searchHelp.id = "reference-dialog-search-help";
    searchField.append(searchLabel, search, searchHelp);

    const field = element("div", "field");
    const label = element("label", "", "DOI, PMID or BibTeX");
    label.htmlFor = "reference-dialog-text";
    const text = element("textarea");
    text.id = "reference-dialog-text";
    text.rows = 5;
    text.spellcheck = false;
    text.setAttribute("autocapitalize", "off");
    text.setAttribute("aria-describedby", "reference-dialog-help");
    const help = element("p", "field__help",
      "Paste a DOI (10.…), a PubMed ID, or one or more BibTeX or RIS entries, then press Look up.");
    help.id = "reference-dialog-help";
    field.append(label, text, help);

    const status = element("p", "reference-dialog__status");
    status.setAttribute("role", "status");
    const problems = element("div", "reference-dialog__problems");
    problems.setAttribute("role", "alert");
    problems.hidden = true;
    const results = element("ul", "reference-dialog__results");
    results.setAttribute("aria-label", "Studies found");
    results.hidden = true;
    // What the study does for the writer's point, written into the citation as its last word
    // ([@doi:… supports]); "No stance" leaves the citation as it always was.
    const stance = element("fieldset", "reference-dialog__stance");
    stance.append(element("legend", "", "What does it do for your point?"));
    const stanceChoices = element("div", "reference-dialog__stance-choices");
    [["", "No stance"], ["supports", "Supports"], ["contradicts", "Contradicts"], ["mentions", "Mentions"]]
      .forEach(([value, text]) => {
        const choice = element("span", "choice");
        const radio = element("input");
        radio.type = "radio";
        radio.name = "reference-dialog-stance";
        radio.id = `reference-dialog-stance-${value || "none"}`;
        radio.value = value;
        const radioLabel = element("label", "", text);
        radioLabel.htmlFor = radio.id;
        choice.append(radio, radioLabel);
        stanceChoices.append(choice);
      });
    stance.append(stanceChoices);
    body.append(title, searchField, field, status, problems, results, stance);

    const actions = element("div", "reference-dialog__actions");
    const lookUp = element("button", "button reference-dialog__lookup", "Look up");
    lookUp.type = "submit";
    const cancel = element("button", "button", "Cancel");
    cancel.type = "button";
    const insert = element("button", "button button--primary", "Insert citation");
    insert.type = "button";
    insert.disabled = true;
    actions.append(lookUp, cancel, insert);

    form.append(body, actions);
    dialog.append(form);
    document.body.append(dialog);

    const state = {
      dialog, text, search, finder: null, status, problems, results, lookUp, insert, stance,
      link: null, input: null, composer: null,
      found: [],        // {study, checkbox, item} in the order the server sent them
      generation: 0,    // bumped on every look-up and on close, so late answers are dropped
      busy: false,
      timers: [],
      returnFocusTo: null,
    };

    // "Look up" is the form's submit button, so Enter on it (and Ctrl+Enter in the textarea)
    // looks up instead of closing the dialog.
    // Enter in the stance choices after picking a study inserts it.
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!state.text.value.trim() && selectedCites(state).length) commitAndInsert(state);
      else lookUpText(state);
    });
    if (window.EvidentStudyFinder) {
      state.finder = window.EvidentStudyFinder.attach(search, {
        url: () => state.link?.dataset.findUrl || "", anchor: searchField.querySelector(".field__help"), label: "Studies found for your search",
        onChoose: (result) => choose(state, result),
      });
      search.addEventListener("input", () => state.finder.update(search.value));
      search.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && search.getAttribute("aria-expanded") !== "true") event.preventDefault();
      });
    } else searchField.hidden = true;
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        lookUpText(state);
      }
    });
    cancel.addEventListener("click", () => dialog.close());
    insert.addEventListener("click", () => commitAndInsert(state));
    results.addEventListener("change", () => updateInsertButton(state));

    // Escape, Cancel and Insert all end here.
    dialog.addEventListener("close", () => {
      stopPolling(state);
      state.generation += 1;
      const target = state.returnFocusTo || state.link;
      state.returnFocusTo = null;
      target?.focus();
    });

    return state;
  }

  function open(link, composer, input) {
    ui ||= buildDialog();
    ui.link = link;
    ui.composer = composer;
    ui.input = input;
    reset(ui);
    ui.dialog.showModal();
    (ui.finder && link.dataset.findUrl ? ui.search : ui.text).focus();
  }

  function reset(state) {
    stopPolling(state);
    state.generation += 1;
    state.busy = false;
    state.lookUp.removeAttribute("aria-disabled");
    state.text.value = "";
    state.search.value = "";
    state.finder?.close();
    state.finder?.say("");
    state.search.closest(".field").hidden = !(state.finder && state.link?.dataset.findUrl);
    state.text.removeAttribute("aria-invalid");
    state.status.textContent = "";
    showProblems(state, []);
    state.found = [];
    state.results.replaceChildren();
    state.results.hidden = true;
    state.stance.querySelector('input[value=""]').checked = true;
    updateInsertButton(state);
  }

  /* ---------- looking up ---------- */

  async function lookUpText(state) {
    if (state.busy) return;
    const text = state.text.value.trim();
    if (!text) {
      showProblems(state, ["Paste a DOI, PMID or BibTeX entry first."]);
      state.text.setAttribute("aria-invalid", "true");
      state.text.focus();
      return;
    }
    stopPolling(state);
    const generation = ++state.generation;
    // aria-disabled rather than disabled: disabling the focused button would drop focus
    // out of the dialog.
    state.busy = true;
    state.lookUp.setAttribute("aria-disabled", "true");
    state.text.removeAttribute("aria-invalid");
    state.status.textContent = "Looking up…";
    showProblems(state, []);

    const body = new FormData();
    body.append("text", text);
    let data = null;
    let failure = "";
    try {
      const response = await fetch(state.link.dataset.resolveUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(state.composer), "X-Requested-With": "fetch", Accept: "application/json" },
      });
      // A 400 still carries the reasons ("That is not a DOI, …"). Anything else that is not
      // JSON (a login page after the session ended, a server error) gets a general message.
      const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
      if (isJson && (response.ok || response.status === 400)) data = await response.json();
      else failure = `The look-up failed (error ${response.status}). Try again, or reload the page if you were logged out.`;
    } catch {
      failure = "Couldn’t reach the server. Check your connection and try again.";
    }
    if (generation !== state.generation) return;  // closed, or looked up again meanwhile
    state.busy = false;
    state.lookUp.removeAttribute("aria-disabled");

    if (!data) {
      state.status.textContent = "";
      showProblems(state, [failure]);
      return;
    }
    const studies = Array.isArray(data.studies) ? data.studies : [];
    const problems = Array.isArray(data.problems) ? data.problems.map(String) : [];
    showResults(state, studies);
    showProblems(state, problems);
    if (!studies.length && !problems.length) showProblems(state, ["Nothing to cite was found in that text."]);
    if (!studies.length) state.text.setAttribute("aria-invalid", "true");
    announce(state);
    studies.forEach((study, index) => {
      if (study.state === "pending") poll(state, index, generation);
    });
  }

  function announce(state) {
    const count = state.found.length;
    if (!count) {
      state.status.textContent = "";
      return;
    }
    const pending = state.found.filter(({ study }) => study.state === "pending").length;
    let message = count === 1 ? "Found 1 study." : `Found ${count} studies.`;
    if (pending) message += count === 1 ? " Looking up its details…" : ` Looking up the details of ${pending} of them…`;
    if (state.found.some(({ checkbox }) => checkbox.checked)) {
      message += count === 1 ? " Press Insert citation to cite it." : " Press Insert citation to cite the ticked ones.";
    }
    state.status.textContent = message;
  }

  function showProblems(state, problems) {
    if (!problems.length) {
      state.problems.replaceChildren();
      state.problems.hidden = true;
      return;
    }
    const list = element("ul");
    problems.forEach((problem) => list.append(element("li", "", problem)));
    state.problems.replaceChildren(list);
    state.problems.hidden = false;
  }

  function showResults(state, studies) {
    state.found = studies.map((study, index) => {
      const checkbox = element("input");
      checkbox.type = "checkbox";
      checkbox.id = `reference-result-${index}`;
      // A study that could not be found is still citable (it shows as an unresolved
      // reference), but the reader should choose that knowingly.
      checkbox.checked = study.state !== "failed" && Boolean(study.cite);
      checkbox.disabled = !study.cite;
      const item = element("li", "reference-result");
      item.append(checkbox, element("label"));
      return { study, checkbox, item };
    });
    state.found.forEach((entry) => renderStudy(entry));
    state.results.replaceChildren(...state.found.map(({ item }) => item));
    state.results.hidden = !state.found.length;
    updateInsertButton(state);
  }

  function renderStudy({ study, checkbox, item }) {
    const label = item.querySelector("label");
    label.htmlFor = checkbox.id;
    item.classList.toggle("reference-result--pending", study.state === "pending");
    item.classList.toggle("reference-result--failed", study.state === "failed");

    const title = element("span", "reference-result__title", study.title || study.identifier || "Untitled study");
    const where = [study.journal, study.year].filter(Boolean).join(" · ");
    let metaText = where;
    if (study.state === "new" && !study.title) {
      metaText = `${study.identifier} is not in the library yet: its details are looked up when you insert it.`;
    } else if (study.state === "new") metaText = [where, "New to the library: added when you insert it."].filter(Boolean).join(" · ");
    if (study.state === "pending") metaText = `Looking up the details of ${study.identifier}…`;
    else if (study.state === "failed") {
      metaText = `No details found for ${study.identifier}. If you cite it, it shows as an unresolved reference.`;
    }
    const meta = element("span", "reference-result__meta", metaText);

    const chips = element("span", "reference-result__chips");
    if ((study.state === "resolved" || study.state === "new") && study.design_label) {
      chips.append(element("span", `chip chip--design chip--${token(study.design)}`, study.design_label));
    }
    if ((study.state === "resolved" || study.state === "new") && study.status && study.status !== "published" && study.status_label) {
      chips.append(element("span", `chip chip--status chip--${token(study.status)}`, study.status_label));
    }
    if (study.state === "pending") chips.append(element("span", "chip chip--pending", "Looking up…"));
    if (study.state === "delayed") chips.append(element("span", "chip chip--pending", "Look-up delayed, will retry"));
    if (study.state === "failed") chips.append(element("span", "chip chip--unresolved", "Unresolved"));

    const parts = [title];
    if (metaText) parts.push(meta);
    if (chips.childElementCount) parts.push(chips);
    if (study.warning) parts.push(element("strong", "reference-result__warning", study.warning));
    if (study.cite) parts.push(element("code", "reference-result__cite", study.cite));
    label.replaceChildren(...parts);
    item.querySelector(".reference-result__match")?.remove();
    if (study.existing) item.append(matchNote(study));
  }

  /* ---------- a paste that matches a stored study ---------- */

  // The stored study is cited as it is. If the paste disagrees with it, the member may send
  // the paste to the moderators as a suggested correction; nothing changes until one accepts.
  function matchNote(study) {
    const note = element("span", "reference-result__match");
    const differences = Array.isArray(study.differences) ? study.differences.map(String) : [];
    if (!differences.length) {
      note.textContent = "Already in the library; it is cited as stored.";
      return note;
    }
    note.append(element("span", "",
      `Already in the library; it is cited as stored. What you pasted differs in: ${differences.join(", ")}. `));
    // A note tells the moderators what is wrong, as the page without JavaScript lets one say.
    const field = element("span", "field reference-result__note");
    const input = element("input", "");
    input.id = `reference-suggest-note-${token(String(study.id || study.identifier || ""))}`;
    input.name = "note";
    input.maxLength = 500;
    const label = element("label", "", "What is wrong with the stored record? (optional)");
    label.htmlFor = input.id;
    field.append(label, input);
    const button = element("button", "button", "Suggest a correction");
    button.type = "button";
    button.addEventListener("click", () => suggestCorrection(study, button, note, input));
    note.append(field, button);
    return note;
  }

  async function suggestCorrection(study, button, note, input) {
    if (!ui || button.getAttribute("aria-disabled") === "true") return;
    button.setAttribute("aria-disabled", "true");
    const body = new FormData();
    body.append("text", ui.text.value.trim());
    body.append("note", input.value.trim());
    let message = "";
    try {
      const response = await fetch(study.suggest_url, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(ui.composer), Accept: "application/json" },
      });
      const data = await response.json();
      message = response.ok ? String(data.message || "Sent.") : (data.problems || ["Could not send it."]).map(String).join(" ");
    } catch {
      message = "Couldn’t reach the server. Try again.";
    }
    button.remove();
    input.closest(".reference-result__note")?.remove();
    note.append(element("span", "", message));
    ui.status.textContent = message;
  }

  /* ---------- a DOI or PMID looked up in the background ---------- */

  function poll(state, index, generation) {
    const entry = state.found[index];
    const deadline = Date.now() + POLL_FOR_MS;
    // The summary lives under the study's own page: /studies/<id>/summary.json.
    const url = `${entry.study.url.replace(/\/?$/, "/")}summary.json`;

    const tick = async () => {
      let fresh = null;
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (response.ok) fresh = await response.json();
      } catch {
        fresh = null;  // a dropped request is retried on the next tick
      }
      if (generation !== state.generation) return;
      if (fresh && fresh.state !== "pending") {
        const wasChecked = entry.checkbox.checked;
        entry.study = fresh;
        entry.checkbox.checked = fresh.state === "failed" ? false : wasChecked;
        renderStudy(entry);
        updateInsertButton(state);
        state.status.textContent = fresh.state === "resolved"
          ? `Found the details of ${fresh.identifier}: ${fresh.title || "untitled"}.`
          : `No details found for ${fresh.identifier}.`;
        return;
      }
      if (Date.now() >= deadline) {
        state.status.textContent = `Still looking up ${entry.study.identifier}. You can cite it now: `
          + "the post fills in the details when they arrive.";
        return;
      }
      state.timers.push(setTimeout(tick, POLL_EVERY_MS));
    };
    state.timers.push(setTimeout(tick, POLL_EVERY_MS));
  }

  function stopPolling(state) {
    state.timers.forEach(clearTimeout);
    state.timers = [];
  }

  /* ---------- inserting ---------- */

  // Looking up stored nothing; inserting something new to the library stores it first (a new
  // BibTeX entry, or a DOI whose look-up then starts), so "Cancel" leaves the library as it was.
  async function commitAndInsert(state) {
    const fresh = state.found.some(({ study, checkbox }) => checkbox.checked && study.state === "new");
    if (fresh) {
      if (state.busy) return;
      state.busy = true;
      state.status.textContent = "Adding to the library…";
      const body = new FormData();
      const picked = state.found.filter(({ study, checkbox }) => checkbox.checked && study.commit_text);
      body.append("text", picked.length ? picked.map(({ study }) => study.commit_text).join("\n") : state.text.value.trim());
      body.append("commit", "1");
      let ok = false;
      try {
        const response = await fetch(state.link.dataset.resolveUrl, {
          method: "POST", body, credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(state.composer), "X-Requested-With": "fetch", Accept: "application/json" },
        });
        ok = response.ok;
      } catch {
        ok = false;
      }
      state.busy = false;
      if (!ok) {
        state.status.textContent = "";
        showProblems(state, ["Couldn’t add it to the library. Try again."]);
        return;
      }
    }
    insertCitations(state);
  }

  /* ---------- a study chosen from the search ---------- */

  // The chosen study becomes the dialog's one result, ticked; the member picks a stance and
  // presses Insert citation (or Enter). A study new to the library is added on insert, by its
  // DOI or PMID, and looked up like any pasted identifier.
  function choose(state, result) {
    const identifier = result.doi || (result.pmid ? `PMID ${result.pmid}` : "");
    const study = {
      id: result.study_id, url: result.url || "", state: result.study_id ? "resolved" : "new",
      identifier, title: result.title, journal: [result.authors, result.journal].filter(Boolean).join(" · "),
      year: result.year, design: result.design, design_label: result.design_label,
      status: result.status, status_label: result.status_label, warning: "", cite: result.cite,
      commit_text: result.study_id ? "" : (result.doi || result.pmid || ""),
    };
    stopPolling(state);
    state.generation += 1;
    state.text.value = "";
    showProblems(state, []);
    showResults(state, [study]);
    const where = result.study_id ? "It is in the library." : "It is added to the library when you insert it.";
    state.status.textContent = `Chose “${result.title || identifier}”. ${where} Say what it does for your point, then press Insert citation.`;
    state.stance.querySelector("input:checked")?.focus();
  }

  function selectedCites(state) {
    const stance = state.stance.querySelector("input:checked")?.value || "";
    return state.found.filter(({ checkbox }) => checkbox.checked && !checkbox.disabled)
      .map(({ study }) => study.cite).filter(Boolean)
      .map((cite) => (stance ? cite.replace(/\]$/, ` ${stance}]`) : cite));
  }

  function updateInsertButton(state) {
    state.insert.disabled = selectedCites(state).length === 0;
  }

  function insertCitations(state) {
    const cites = selectedCites(state);
    const { input } = state;
    if (!cites.length || !input) return;
    // A textarea keeps its selection while the dialog has focus, so this is where the
    // writer's cursor was.
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    const before = input.value.slice(0, start);
    const after = input.value.slice(end);
    let text = cites.join(" ");
    if (before && !/\s$/.test(before)) text = ` ${text}`;
    if (after && !/^[\s.,;:!?)]/.test(after)) text = `${text} `;
    input.setRangeText(text, start, end, "end");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    state.returnFocusTo = input;
    state.dialog.close();
  }

  /* ---------- citation cards stay on screen ---------- */

  // A card hangs from its chip's left edge (CSS); near the right edge of the window it would
  // run off screen, so it hangs from the chip's right edge instead. Phones get a full-width
  // card from CSS alone.
  function keepCardOnScreen(event) {
    const cite = event.target.closest?.(".cite");
    const card = cite?.querySelector(":scope > .cite-card");
    if (!card) return;
    cite.classList.remove("cite--card-end");
    const box = card.getBoundingClientRect();
    if (box.width && box.right > document.documentElement.clientWidth - 8) cite.classList.add("cite--card-end");
  }

  document.addEventListener("mouseover", keepCardOnScreen);
  document.addEventListener("focusin", keepCardOnScreen);

  /* ---------- `[@` and words in the composer ---------- */

  // `[@younger naltrex` opens the suggestions under the composer; choosing one replaces what was
  // typed after `[` with the citation. `[@doi:…`, `[@pmid:…` and BibTeX keys are left alone.
  const TYPED_CITATION = /\[@([^\[\]\n@]{0,80})$/;

  function typedQuery(input) {
    const before = input.value.slice(0, input.selectionStart ?? input.value.length);
    const match = TYPED_CITATION.exec(before);
    if (!match) return null;
    const words = match[1];
    if (!/\s/.test(words.trim()) && !/\s$/.test(words)) {
      // One word with no space yet: a key or identifier is as likely as a search.
      if (/^(doi|pmid)\s*:|^10\.|^\d+$/i.test(words) || words.length < 4) return null;
    }
    if (/^(doi|pmid)\s*:/i.test(words)) return null;
    return { words, start: before.length - match[0].length };
  }

  function attachComposer(input) {
    const composer = input.closest("form");
    const link = composer?.querySelector("a[data-add-reference][data-find-url]");
    if (!link || !window.EvidentStudyFinder) return;
    input.dataset.studyFinder = "on";
    const finder = window.EvidentStudyFinder.attach(input, {
      url: link.dataset.findUrl, combobox: false, label: "Studies to cite",
      onChoose: (result) => {
        const typed = typedQuery(input);
        if (!typed || !result.cite) return;
        const end = input.selectionStart ?? input.value.length;
        const closes = input.value.slice(end).startsWith("]");
        input.setRangeText(result.cite, typed.start, closes ? end + 1 : end, "end");
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.focus();
      },
    });
    input.addEventListener("input", () => {
      const typed = typedQuery(input);
      if (typed) finder.update(typed.words);
      else finder.close();
    });
    input.addEventListener("blur", () => setTimeout(() => finder.close(), 200));
  }

  document.addEventListener("focusin", (event) => {
    const input = event.target.closest?.("[data-composer-input]");
    if (input && !input.dataset.studyFinder) attachComposer(input);
  });

  /* ---------- start ---------- */

  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[data-add-reference][data-resolve-url]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const composer = link.closest("form");
    const input = composer?.querySelector("[data-composer-input]");
    // No composer to insert into, or a browser without <dialog>: let the link open the page.
    if (!input || typeof HTMLDialogElement !== "function") return;
    event.preventDefault();
    open(link, composer, input);
  });
})();
