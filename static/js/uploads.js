/*
 * Uploads in the composer: the "Upload" button, pasting an image and dropping files on the
 * composer send each file to the server (forum.uploads.views.create) with a progress bar, show
 * a preview of what arrived (the picture, or the PDF's name), ask for the picture's description
 * (alt text, in the page's own dialog) and put its markdown where the cursor is. A refusal is said beside the composer and
 * the text is left as it was. Without JavaScript the composer's file field and "Attach" button
 * do the same through the form.
 *
 * Also, in posts: a thumbnail opens its full-size picture in a lightbox (a modal <dialog>:
 * focus stays inside, Escape or "Close" closes it, focus returns to the thumbnail); without
 * JavaScript the thumbnail is a plain link to the picture.
 */
(() => {
  "use strict";

  const csrf = (form) => form.querySelector("[name=csrfmiddlewaretoken]")?.value ?? "";

  function insertAtCursor(input, text) {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    const before = input.value.slice(0, start);
    const after = input.value.slice(end);
    const lead = before && !before.endsWith("\n") ? "\n" : "";
    const trail = after.startsWith("\n") ? "" : "\n";
    input.value = before + lead + text + trail + after;
    const cursor = (before + lead + text + trail).length;
    input.setSelectionRange(cursor, cursor);
    input.focus();
    input.dispatchEvent(new Event("input", { bubbles: true })); // drafts and limits follow
  }

  // The alt text is asked in the page's own dialog, with the picture in view: the browser's
  // prompt() showed the file name ("IMG_2041") as a ready answer, and a file name is what a
  // screen reader then read out. "Skip" leaves the name for the writer to change in the text.
  let altDialog = null;

  function buildAltDialog() {
    altDialog = document.createElement("dialog");
    altDialog.className = "alt-dialog";
    altDialog.setAttribute("aria-labelledby", "alt-dialog-heading");
    altDialog.innerHTML = `
      <form method="dialog" class="alt-dialog__form">
        <h2 id="alt-dialog-heading" class="alt-dialog__heading">Describe the picture</h2>
        <img class="alt-dialog__preview" alt="">
        <label for="alt-dialog-text">What it shows, for people who cannot see it</label>
        <textarea id="alt-dialog-text" rows="3" aria-describedby="alt-dialog-help"></textarea>
        <p id="alt-dialog-help" class="field__help">For a chart: what it plots and what it shows, e.g. “Weekly training volume rising from 20 to 35 tonnes over 12 weeks”.</p>
        <div class="alt-dialog__actions">
          <button type="submit" value="add" class="button button--primary">Add picture</button>
          <button type="submit" value="skip" class="button">Skip</button>
        </div>
      </form>`;
    document.body.append(altDialog);
  }

  function askAltText(markdown, previewSrc, input) {
    const match = markdown.match(/^!\[([^\]]*)\](\(.*\))$/);
    if (!match) return Promise.resolve(markdown);
    if (!altDialog) buildAltDialog();
    const text = altDialog.querySelector("textarea");
    const preview = altDialog.querySelector("img");
    text.value = "";
    preview.hidden = !previewSrc;
    if (previewSrc) preview.src = previewSrc;
    return new Promise((resolve) => {
      altDialog.addEventListener("close", () => {
        const typed = altDialog.returnValue === "add" ? text.value : "";
        const alt = typed.replace(/[\[\]\\\n\r]/g, " ").trim() || match[1];
        input.focus();
        resolve(`![${alt}]${match[2]}`);
      }, { once: true });
      altDialog.returnValue = "";
      altDialog.showModal();
      text.focus();
    });
  }

  // fetch() cannot report how much of a request body has gone, XMLHttpRequest can.
  function postWithProgress(url, body, headers, onProgress) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", url);
      Object.entries(headers).forEach(([name, value]) => request.setRequestHeader(name, value));
      request.responseType = "json";
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
      request.addEventListener("load", () => resolve({ status: request.status, data: request.response || {} }));
      request.addEventListener("error", () => reject(new Error("network")));
      request.send(body);
    });
  }

  const imageLoaded = (image) => new Promise((resolve) => {
    if (image.complete) { resolve(); return; }
    image.addEventListener("load", resolve, { once: true });
    image.addEventListener("error", resolve, { once: true });
    setTimeout(resolve, 3000); // a slow preview never holds up the alt text question
  });

  function setUp(form) {
    const box = form.querySelector(".composer__attach[data-upload-url]");
    const input = form.querySelector("[data-composer-input]");
    const picker = box?.querySelector("[data-upload-input]");
    if (!box || !input || !picker) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = "Upload";
    box.querySelector("[data-upload-attach]")?.replaceWith(button);
    box.querySelector("label")?.setAttribute("hidden", "");
    picker.hidden = true;
    const help = box.querySelector(".field__help");
    if (help) help.textContent = `Upload, paste or drop pictures (PNG, JPEG, WebP, GIF) or PDFs. ${help.dataset.privacy || ""}`;
    // One line per file: its preview, its progress, then what became of it.
    const list = document.createElement("ul");
    list.className = "composer__uploads";
    list.setAttribute("aria-label", "Uploads");
    list.hidden = true;
    // Announces each upload's end (the progress bars themselves are not read out as they move).
    const status = document.createElement("p");
    status.className = "composer__upload-status muted";
    status.setAttribute("role", "status");
    box.append(list, status);

    function item(file) {
      const name = file.name || "pasted image";
      const row = document.createElement("li");
      row.className = "composer__upload";
      const preview = document.createElement("span");
      preview.className = "composer__upload-preview";
      const label = document.createElement("span");
      label.className = "composer__upload-name";
      label.textContent = name;
      const progress = document.createElement("progress");
      progress.max = 100;
      progress.value = 0;
      progress.setAttribute("aria-label", `Uploading ${name}`);
      const message = document.createElement("span");
      message.className = "composer__upload-message";
      row.append(preview, label, progress, message);
      list.hidden = false;
      list.append(row);
      return { row, preview, progress, message, name };
    }

    function fail(shown, text) {
      shown.progress.remove();
      shown.row.classList.add("composer__upload--failed");
      shown.message.setAttribute("role", "alert");
      shown.message.textContent = text;
      status.textContent = "";
    }

    async function send(file) {
      const shown = item(file);
      const body = new FormData();
      body.append("file", file, file.name || "pasted.png");
      status.textContent = `Uploading ${shown.name}…`;
      let answer;
      try {
        answer = await postWithProgress(box.dataset.uploadUrl, body,
          { "X-CSRFToken": csrf(form), Accept: "application/json" },
          (done) => { shown.progress.value = Math.round(done * 100); });
      } catch (error) {
        fail(shown, "The upload failed (no connection?); your text is kept. Try again.");
        return;
      }
      if (answer.status < 200 || answer.status >= 300) {
        fail(shown, answer.data.error || "The upload failed; your text is kept. Try again.");
        return;
      }
      const data = answer.data;
      shown.progress.value = 100;
      shown.progress.remove();
      if (data.kind === "image") {
        const image = document.createElement("img");
        image.src = data.preview_url || data.url;
        image.alt = "";  // the file's name is beside it
        shown.preview.append(image);
        await imageLoaded(image);
      } else {
        shown.preview.textContent = "PDF";
        shown.preview.classList.add("composer__upload-preview--file");
      }
      shown.message.textContent = "Uploaded";
      // Where the writer's cursor was before the dialog took the focus.
      const at = [input.selectionStart, input.selectionEnd];
      const markdown = await askAltText(data.markdown, data.preview_url || data.url, input);
      input.setSelectionRange(at[0], at[1]);
      insertAtCursor(input, markdown);
      status.textContent = `Uploaded ${shown.name}.`;
    }

    async function sendAll(files) {
      for (const file of files) await send(file); // one alt text question at a time
    }

    button.addEventListener("click", () => picker.click());
    picker.addEventListener("change", () => {
      const files = [...picker.files];
      picker.value = "";
      sendAll(files);
    });
    input.addEventListener("paste", (event) => {
      const files = [...(event.clipboardData?.files ?? [])].filter((file) => file.type.startsWith("image/"));
      if (!files.length) return;
      event.preventDefault();
      sendAll(files);
    });

    // Dropping files anywhere on the composer uploads them; text dropped on it is left alone.
    const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes("Files");
    let depth = 0;
    form.addEventListener("dragenter", (event) => {
      if (!carriesFiles(event)) return;
      depth += 1;
      form.classList.add("composer--drop-target");
    });
    form.addEventListener("dragover", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    form.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (!depth) form.classList.remove("composer--drop-target");
    });
    form.addEventListener("drop", (event) => {
      depth = 0;
      form.classList.remove("composer--drop-target");
      if (!carriesFiles(event)) return;
      event.preventDefault();
      sendAll([...event.dataTransfer.files]);
    });
  }

  document.querySelectorAll("form[data-composer]").forEach(setUp);

  // --- The lightbox ------------------------------------------------------------------------
  // Only this site's own pictures: the CSP would refuse any other address anyway.
  const FULL_SIZE = /^\/uploads\/[0-9a-f]{64}\.(?:png|jpg|webp|gif)$/;
  let lightbox = null;

  function buildLightbox() {
    lightbox = document.createElement("dialog");
    lightbox.className = "lightbox";
    lightbox.setAttribute("aria-labelledby", "lightbox-caption");
    const figure = document.createElement("figure");
    const image = document.createElement("img");
    const caption = document.createElement("figcaption");
    caption.id = "lightbox-caption";
    figure.append(image, caption);
    const actions = document.createElement("div");
    actions.className = "lightbox__actions";
    const open = document.createElement("a");
    open.textContent = "Open the picture on its own";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "button";
    close.textContent = "Close";
    close.addEventListener("click", () => lightbox.close());
    actions.append(open, close);
    lightbox.append(actions, figure);
    // A click on the dimmed page around the picture closes it too.
    lightbox.addEventListener("click", (event) => { if (event.target === lightbox) lightbox.close(); });
    // The modal dialog keeps the page behind it out of reach; Tab also cycles within it
    // instead of leaving for the browser's own controls.
    lightbox.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return;
      const stops = [open, close];
      const at = stops.indexOf(document.activeElement);
      event.preventDefault();
      stops[(at + (event.shiftKey ? stops.length - 1 : 1)) % stops.length].focus();
    });
    document.body.append(lightbox);
  }

  function showLightbox(link, thumbnail) {
    if (!lightbox) buildLightbox();
    const image = lightbox.querySelector("img");
    image.src = link.href;
    image.alt = thumbnail.alt;
    lightbox.querySelector("figcaption").textContent = thumbnail.alt || "Picture";
    lightbox.querySelector(".lightbox__actions a").href = link.href;
    lightbox.addEventListener("close", () => link.focus(), { once: true });
    lightbox.showModal();
    lightbox.querySelector("button").focus();
  }

  // --- Another site's picture, on the page that shows it on request ------------------------
  // A picture that cannot load is said in words: a broken-image icon says nothing to most
  // people, and nothing at all to a screen reader.
  function sayImageFailed(figure) {
    const image = figure.querySelector("img");
    if (!image || figure.dataset.failed) return;
    figure.dataset.failed = "1";
    const note = document.createElement("p");
    note.className = "notice external-image-page__failed";
    note.setAttribute("role", "status");
    note.textContent = `The picture could not be loaded from ${figure.dataset.externalImage}: the address may be `
      + "wrong, or that site may be down or refuse to show it here.";
    image.hidden = true;
    figure.prepend(note);
  }

  document.querySelectorAll("[data-external-image]").forEach((figure) => {
    const image = figure.querySelector("img");
    if (!image) return;
    // It may have failed before this script ran.
    if (image.complete && image.naturalWidth === 0) sayImageFailed(figure);
    else image.addEventListener("error", () => sayImageFailed(figure), { once: true });
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest?.(".cooked a[href]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const address = new URL(link.href, location.href);
    const thumbnail = link.querySelector("img");
    if (!thumbnail || address.origin !== location.origin || !FULL_SIZE.test(address.pathname)) return;
    event.preventDefault();
    showLightbox(link, thumbnail);
  });
})();
