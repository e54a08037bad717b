// Live pages: ask the server whether what this page shows has changed (forum/live/pages.py).
//
// The page carries the tokens it was rendered under (data-live-* on <body>) and, on a topic,
// the post numbers and versions it shows. A request is held open by the server until something
// changes; the answer is applied in place: changed posts are swapped, new replies wait behind a
// "2 new replies - show" bar, the notification and review counts change, a topic list offers
// "N new or updated topics - show". Nothing here touches the composer. Without JavaScript the
// page is simply what it was when it loaded.
(function () {
  "use strict";

  const body = document.body;
  if (!body || !body.dataset.liveUrl) return;

  const posts = document.querySelector(".posts[data-live-topic]");
  const list = document.querySelector("[data-live-since]");
  const state = {
    tokens: {},
    user: body.dataset.liveUser || "",
    stopped: false,
    failures: 0,
    pendingNew: new Map(), // number -> {html, version, mine}
    pendingReplace: new Map(), // number -> {html, version} waiting for a selection to end
  };
  for (const name of ["topic", "member", "review", "list"]) {
    const token = body.dataset["live" + name.charAt(0).toUpperCase() + name.slice(1)];
    if (token !== undefined) state.tokens[name] = token;
  }
  if (posts) {
    state.topic = posts.dataset.liveTopic;
    state.first = parseInt(posts.dataset.liveFirst, 10);
    state.last = parseInt(posts.dataset.liveLast, 10);
    state.tail = posts.hasAttribute("data-live-tail");
    state.versions = posts.dataset.liveVersions ? posts.dataset.liveVersions.split(".") : [];
  } else {
    delete state.tokens.topic;
  }
  if (!list) delete state.tokens.list;
  if (Object.keys(state.tokens).length === 0) return;

  function query() {
    const params = new URLSearchParams();
    if (state.user) params.set("u", state.user);
    if ("member" in state.tokens) params.set("member", state.tokens.member);
    if ("review" in state.tokens) params.set("review", state.tokens.review);
    if ("topic" in state.tokens) {
      params.set("topic", state.topic);
      params.set("t", state.tokens.topic);
      params.set("first", state.first);
      params.set("last", state.last);
      if (state.tail) params.set("tail", "1");
      params.set("v", state.versions.join("."));
    }
    if ("list" in state.tokens) {
      params.set("list", state.tokens.list);
      params.set("since", list.dataset.liveSince);
      if (list.dataset.liveCategory) params.set("category", list.dataset.liveCategory);
      if (list.dataset.liveTag) params.set("tag", list.dataset.liveTag);
    }
    return params.toString();
  }

  // --- Posts of the topic ---------------------------------------------------------------------

  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function selectionInside(element) {
    const selection = document.getSelection();
    return selection && !selection.isCollapsed && selection.rangeCount > 0
      && element.contains(selection.getRangeAt(0).commonAncestorContainer);
  }

  function replacePost(number, change) {
    const current = document.getElementById("post-" + number);
    if (!current) return false;
    if (selectionInside(current)) {
      // Swapping the post would drop what the reader is selecting (to quote it, say).
      state.pendingReplace.set(number, change);
      return true;
    }
    state.pendingReplace.delete(number);
    current.replaceWith(fragment(change.html));
    document.dispatchEvent(new CustomEvent("evident:posts-changed"));
    return true;
  }

  document.addEventListener("selectionchange", () => {
    for (const [number, change] of state.pendingReplace) {
      const current = document.getElementById("post-" + number);
      if (!current || !selectionInside(current)) replacePost(number, change);
    }
  });

  function recordVersion(number, version) {
    const index = number - state.first;
    while (state.versions.length < index) state.versions.push("");
    state.versions[index] = version;
  }

  function bar() {
    let element = document.getElementById("live-new-posts");
    if (!element) {
      element = document.createElement("div");
      element.id = "live-new-posts";
      element.className = "live-bar";
      element.setAttribute("role", "status");
      posts.after(element);
    }
    return element;
  }

  function showPending() {
    const numbers = [...state.pendingNew.keys()].sort((a, b) => a - b);
    for (const number of numbers) {
      const change = state.pendingNew.get(number);
      if (!document.getElementById("post-" + number)) posts.append(fragment(change.html));
      recordVersion(number, change.version);
      state.last = Math.max(state.last, number);
    }
    state.pendingNew.clear();
    bar().replaceChildren();
    document.dispatchEvent(new CustomEvent("evident:posts-changed"));
  }

  function offerPending(postsCount) {
    const others = [...state.pendingNew.values()].filter((change) => !change.mine).length;
    if (state.pendingNew.size && !others) {
      showPending(); // only the reader's own: not news to them
      return;
    }
    const element = bar();
    if (!others && !(postsCount > state.last && !state.tail)) {
      element.replaceChildren();
      return;
    }
    const button = document.createElement(state.tail ? "button" : "a");
    const count = state.tail ? others : postsCount - state.last;
    button.className = "button live-bar__show";
    button.textContent = `${count} new ${count === 1 ? "reply" : "replies"} - show`;
    if (state.tail) {
      button.type = "button";
      button.addEventListener("click", showPending);
    } else {
      // Newer replies belong to a later page: go to the first of them.
      const url = new URL(posts.dataset.liveTopicUrl || location.pathname, location.href);
      url.pathname = url.pathname.replace(/\/?$/, "/") + (state.last + 1) + "/";
      url.search = "";
      button.href = url.pathname;
    }
    element.replaceChildren(button);
  }

  function applyPostsCount(count) {
    const element = document.querySelector("[data-live-posts-count]");
    if (element && Number.isInteger(count)) element.textContent = `${count} post${count === 1 ? "" : "s"}`;
  }

  function applyAccepted(html) {
    // The accepted answer's card under the first post: shown, changed or gone.
    const slot = document.querySelector("[data-live-accepted]");
    if (!slot || typeof html !== "string") return;
    const current = slot.firstElementChild;
    if (html === "") {
      slot.replaceChildren();
    } else if (!current || current.outerHTML !== html) {
      slot.replaceChildren(fragment(html));
    }
  }

  function applyTopic(answer) {
    if (answer.gone) {
      delete state.tokens.topic;
      const notice = bar();
      notice.className = "live-bar notice notice--danger";
      notice.textContent = "This topic is no longer available.";
      return;
    }
    for (const change of answer.posts) {
      if (change.number <= state.last) {
        if (replacePost(change.number, change)) recordVersion(change.number, change.version);
      } else if (state.tail) {
        state.pendingNew.set(change.number, change);
      }
    }
    offerPending(answer.posts_count);
    applyPostsCount(answer.posts_count);
    if ("accepted" in answer) applyAccepted(answer.accepted);
  }

  // --- Counts elsewhere on the page -----------------------------------------------------------

  function applyNotifications(unread) {
    // The bell's menu (static/js/bell.js) fetches its rows again if it is open.
    document.dispatchEvent(new CustomEvent("evident:notifications-changed", { detail: { unread } }));
    const bell = document.querySelector(".site-nav__bell");
    if (!bell) return;
    bell.classList.toggle("site-nav__bell--unread", unread > 0);
    const shown = unread > 99 ? "99+" : String(unread);
    bell.setAttribute("aria-label", unread
      ? `Notifications, ${unread > 99 ? "more than 99" : unread} unread` : "Notifications");
    let count = bell.querySelector(".bell-count");
    if (!unread) {
      if (count) count.remove();
      return;
    }
    if (!count) {
      count = document.createElement("span");
      count.className = "bell-count";
      count.setAttribute("aria-hidden", "true");
      bell.append(count);
    }
    count.textContent = shown;
  }

  function applyReview(open) {
    const link = document.querySelector(".site-nav__review");
    if (!link) return;
    let count = link.querySelector("[data-review-count]");
    if (!open) {
      if (count) count.remove();
      return;
    }
    if (!count) {
      count = document.createElement("span");
      count.className = "nav-count";
      count.dataset.reviewCount = "";
      link.append(" ", count);
    }
    const words = document.createElement("span");
    words.className = "visually-hidden";
    words.textContent = " waiting";
    count.replaceChildren(open > 99 ? "99+" : String(open), words);
  }

  function applyList(fresh) {
    let element = document.getElementById("live-new-topics");
    if (!fresh) {
      if (element) element.replaceChildren();
      return;
    }
    if (!element) {
      element = document.createElement("div");
      element.id = "live-new-topics";
      element.className = "live-bar";
      element.setAttribute("role", "status");
      const heading = list.querySelector(".list-filters") || list.firstElementChild;
      heading.after(element);
    }
    const link = document.createElement("a");
    link.className = "button live-bar__show";
    link.href = location.pathname + location.search;
    link.textContent = `${fresh >= 100 ? "100+" : fresh} new or updated topic${fresh === 1 ? "" : "s"} - show`;
    element.replaceChildren(link);
  }

  function apply(answer) {
    if (answer.stop) {
      state.stopped = true;
      return;
    }
    Object.assign(state.tokens, Object.fromEntries(
      Object.entries(answer.tokens || {}).filter(([name]) => name in state.tokens)));
    if (answer.topic) applyTopic(answer.topic);
    if (answer.notifications) applyNotifications(answer.notifications.unread);
    if (answer.review) applyReview(answer.review.open);
    if (answer.list) applyList(answer.list.new);
  }

  // --- Asking, again and again ----------------------------------------------------------------

  const HIDDEN_PAUSE_MS = 120000;
  let wakeHidden = null;

  function pause(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  function untilVisible(ms) {
    // A tab in the background asks rarely; it catches up the moment it is looked at again.
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeHidden = null;
        resolve();
      }
      wakeHidden = done;
    });
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && wakeHidden) wakeHidden();
  });

  async function loop() {
    while (!state.stopped && Object.keys(state.tokens).length) {
      if (document.hidden) await untilVisible(HIDDEN_PAUSE_MS);
      const started = Date.now();
      let delay = 0;
      try {
        const response = await fetch(`${body.dataset.liveUrl}?${query()}`, {
          credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store",
        });
        if (response.status === 200) {
          apply(await response.json());
          state.failures = 0;
        } else if (response.status === 204) {
          state.failures = 0;
        } else if (response.status === 400 || response.status === 404) {
          return; // this page cannot be live: it stays as it loaded
        } else {
          throw new Error(`live answered ${response.status}`);
        }
      } catch (error) {
        // The server restarted, the network dropped, the cache is down: ask again later, with
        // the same tokens, and catch up on whatever was missed.
        state.failures += 1;
        delay = Math.min(60000, 1000 * 2 ** Math.min(state.failures, 6)) * (0.5 + Math.random() / 2);
      }
      // A server that answers at once (plain polling, or a proxy cutting held requests short)
      // is not asked more than every two seconds.
      await pause(Math.max(delay, 2000 - (Date.now() - started)));
    }
  }

  function start() {
    // Staggered, so a thousand pages opened by one link do not ask in the same instant.
    pause(200 + Math.random() * 800).then(loop);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
