/*
 * Uploads in the composer: an "Upload" button and pasting an image send the file to the server
 * (forum.views.uploads.create) and put its markdown where the cursor is, after asking for the
 * picture's description (alt text). Without JavaScript the composer's file field and "Attach"
 * button do the same through the form. Also: other sites' images shown on request.
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

  function withAltText(markdown) {
    const match = markdown.match(/^!\[([^\]]*)\](\(.*\))$/);
    if (!match) return markdown;
    const answer = window.prompt("Describe the picture for people who cannot see it (alt text):", match[1]);
    const alt = (answer ?? match[1]).replace(/[\[\]\\\n\r]/g, " ").trim() || match[1];
    return `![${alt}]${match[2]}`;
  }

  function setUp(form) {
    const box = form.querySelector(".composer__attach[data-upload-url]");
    const input = form.querySelector("[data-composer-input]");
    const picker = box?.querySelector("[data-upload-input]");
    if (!box || !input || !picker) return;
    const status = document.createElement("p");
    status.className = "composer__upload-status muted";
    status.setAttribute("role", "status");
    box.append(status);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = "Upload";
    box.querySelector("[data-upload-attach]")?.replaceWith(button);
    box.querySelector("label")?.setAttribute("hidden", "");
    picker.hidden = true;

    async function send(file) {
      const body = new FormData();
      body.append("file", file, file.name || "pasted.png");
      status.textContent = `Uploading ${file.name || "pasted image"}…`;
      try {
        const response = await fetch(box.dataset.uploadUrl, {
          method: "POST", body, credentials: "same-origin",
          headers: { "X-CSRFToken": csrf(form), Accept: "application/json" },
        });
        const data = await response.json().catch(() => ({}));
        if (!response.ok) {
          status.textContent = data.error || "The upload failed; your text is kept. Try again.";
          return;
        }
        insertAtCursor(input, withAltText(data.markdown));
        status.textContent = "Uploaded.";
      } catch (error) {
        status.textContent = "The upload failed (no connection?); your text is kept. Try again.";
      }
    }

    button.addEventListener("click", () => picker.click());
    picker.addEventListener("change", () => {
      [...picker.files].forEach(send);
      picker.value = "";
    });
    input.addEventListener("paste", (event) => {
      const files = [...(event.clipboardData?.files ?? [])].filter((file) => file.type.startsWith("image/"));
      if (!files.length) return;
      event.preventDefault();
      files.forEach(send);
    });
  }

  document.querySelectorAll("form[data-composer]").forEach(setUp);

  // Other sites' images wait behind "Image from host - show" (forum/markup/external_images.py);
  // clicking shows the picture in place (the link itself opens it without JavaScript).
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("a.external-image");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const image = document.createElement("img");
    image.src = link.href;
    image.alt = link.title || "";
    image.referrerPolicy = "no-referrer";
    link.replaceWith(image);
  });
})();
