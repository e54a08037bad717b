/*
 * Finding a study by words: the suggestion list behind the "Add reference" dialog's search field
 * and behind `[@` typed in the composer. An ARIA combobox: the input keeps focus, the list is a
 * listbox of options, the active one named by aria-activedescendant; arrows move, Enter chooses,
 * Escape closes the list.
 *
 * Typing is debounced; the library answers first (`library=1`, no registry call), then the full
 * search adds Crossref and PubMed and says which could not be reached. Everything shown comes
 * from JSON, so it is built with textContent, never innerHTML.
 *
 * window.EvidentStudyFinder.attach(input, {url, onChoose, anchor, queryOf}) returns a finder.
 */
(() => {
  "use strict";

  const DEBOUNCE_MS = 250;
  const MIN_CHARS = 3;
  let counter = 0;

  const token = (value) => String(value ?? "").replace(/[^a-z0-9_-]/gi, "");

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function describe(result) {
    return [result.authors, result.year, result.journal].filter(Boolean).join(" · ");
  }

  function renderOption(result, id) {
    const option = element("li", "study-option");
    option.id = id;
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", "false");
    option.append(element("span", "study-option__title", result.title || result.cite || "Untitled study"));
    const meta = describe(result);
    if (meta) option.append(element("span", "study-option__meta", meta));
    const chips = element("span", "study-option__chips");
    if (result.design_label) chips.append(element("span", `chip chip--design chip--${token(result.design)}`, result.design_label));
    if (result.status && result.status !== "published" && result.status_label) {
      chips.append(element("span", `chip chip--status chip--${token(result.status)}`, result.status_label));
    }
    if (result.cited_in_topics) {
      const n = Number(result.cited_in_topics);
      chips.append(element("span", "chip", `Cited in ${n} topic${n === 1 ? "" : "s"} here`));
    }
    chips.append(element("span", "study-option__source", `Found in ${result.source_label || "the library"}`));
    option.append(chips);
    return option;
  }

  function attach(input, options) {
    const listId = `study-finder-list-${++counter}`;
    const list = element("ul", "study-finder__list");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", options.label || "Studies found");
    list.hidden = true;
    // Hidden while empty, so a page with a composer has no stray status region until a search runs.
    const status = element("p", "study-finder__status");
    status.setAttribute("role", "status");
    status.hidden = true;
    const say = (text) => {
      status.textContent = text;
      status.hidden = !text;
    };
    (options.anchor || input).after(list, status);

    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    if (options.combobox !== false) input.setAttribute("role", "combobox");

    const state = { results: [], active: -1, timer: null, generation: 0, query: "" };

    function close() {
      state.generation += 1;
      clearTimeout(state.timer);
      list.hidden = true;
      list.replaceChildren();
      state.results = [];
      state.active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function setActive(index) {
      state.active = index;
      [...list.children].forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      const option = list.children[index];
      if (option) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }

    function show(results, notices) {
      state.results = results;
      list.replaceChildren(...results.map((result, i) => renderOption(result, `${listId}-${i}`)));
      list.hidden = !results.length;
      input.setAttribute("aria-expanded", String(results.length > 0));
      setActive(results.length ? Math.min(Math.max(state.active, 0), results.length - 1) : -1);
      const count = results.length ? `${results.length} stud${results.length === 1 ? "y" : "ies"} found.` : "No studies found.";
      say([count, ...notices].join(" "));
    }

    async function fetchResults(query, libraryOnly) {
      const base = typeof options.url === "function" ? options.url() : options.url;
      const url = new URL(base, window.location.href);
      url.searchParams.set("q", query);
      if (libraryOnly) url.searchParams.set("library", "1");
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || !(response.headers.get("Content-Type") || "").includes("application/json")) {
        throw new Error(`search answered ${response.status}`);
      }
      return response.json();
    }

    async function search(query) {
      const generation = ++state.generation;
      state.query = query;
      say("Searching…");
      try {
        const local = await fetchResults(query, true);
        if (generation !== state.generation) return;
        const results = Array.isArray(local.results) ? local.results : [];
        const notices = Array.isArray(local.notices) ? local.notices.map(String) : [];
        // An address or identifier is answered fully by the first request.
        if (local.from_identifier || !results.length && notices.length) {
          show(results, notices);
          return;
        }
        show(results, ["Searching Crossref and PubMed…"]);
        const full = await fetchResults(query, false);
        if (generation !== state.generation) return;
        show(Array.isArray(full.results) ? full.results : [], Array.isArray(full.notices) ? full.notices.map(String) : []);
      } catch {
        if (generation !== state.generation) return;
        say("Couldn’t search just now. Check your connection, or paste a DOI below.");
      }
    }

    function update(query) {
      clearTimeout(state.timer);
      query = (query || "").trim();
      if (query.length < MIN_CHARS) {
        close();
        say("");
        return;
      }
      if (query === state.query && state.results.length) return;
      state.timer = setTimeout(() => search(query), DEBOUNCE_MS);
    }

    function choose(index) {
      const result = state.results[index];
      if (!result) return;
      close();
      say("");
      state.query = "";
      options.onChoose(result);
    }

    input.addEventListener("keydown", (event) => {
      const open = !list.hidden && state.results.length > 0;
      if (!open) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        setActive((state.active + 1) % state.results.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive((state.active - 1 + state.results.length) % state.results.length);
      } else if (event.key === "Enter" && state.active >= 0) {
        event.preventDefault();
        choose(state.active);
      } else if (event.key === "Escape") {
        // Only the list closes; a second Escape closes the dialog.
        event.preventDefault();
        event.stopPropagation();
        close();
        state.query = "";
      }
    });
    list.addEventListener("mousedown", (event) => event.preventDefault());  // keep focus in the input
    list.addEventListener("click", (event) => {
      const option = event.target.closest?.('[role="option"]');
      if (option) choose([...list.children].indexOf(option));
    });

    return { update, close, say };
  }

  window.EvidentStudyFinder = { attach };
})();
