// Autosave for notes: saves a second after typing stops, keeps unsaved words in localStorage
// until the server has them, and on a version conflict shows both texts instead of choosing.
(() => {
  const form = document.querySelector("form.autosave");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  // Keyed by person too: on a shared computer one pupil's waiting words are never another's.
  const key = `rt-note-${document.body.dataset.user}-${form.dataset.item}`;
  const body = form.querySelector("textarea[name=body]");
  const version = form.querySelector("input[name=version]");
  const status = form.querySelector(".save-status");
  const conflict = form.querySelector(".conflict");
  const preview = document.getElementById("note-preview");
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  let timer = null;
  let saving = false;
  let again = false;

  const pending = JSON.parse(localStorage.getItem(key) || "null");
  if (pending && pending.body !== body.value) {
    body.value = pending.body;
    version.value = pending.version;
    status.textContent = "Recovered words that had not been saved; saving them now…";
    schedule(0);
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  async function save() {
    if (saving) { again = true; return; }
    saving = true;
    localStorage.setItem(key, JSON.stringify({ body: body.value, version: version.value }));
    status.textContent = "Saving…";
    const data = new URLSearchParams({ body: body.value, version: version.value });
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": token },
        body: data,
        credentials: "same-origin",
      });
      const result = await response.json();
      if (response.ok) {
        version.value = result.version;
        if (preview && typeof result.html === "string") preview.innerHTML = result.html;  // nh3-cleaned by the server
        if (!again) localStorage.removeItem(key);
        status.textContent = "All changes saved.";
      } else if (response.status === 409) {
        showConflict(result);
      } else {
        status.textContent = `Not saved: ${result.error || response.statusText}. Your words are kept in this browser.`;
      }
    } catch (error) {
      status.textContent = "Not saved yet: no connection. Your words are kept in this browser and will be saved.";
      schedule(5000);
    } finally {
      saving = false;
      if (again) { again = false; schedule(0); }
    }
  }

  function showConflict(result) {
    conflict.hidden = false;
    conflict.querySelector(".conflict-message").textContent = result.message;
    conflict.querySelector(".conflict-theirs").textContent = result.theirs;
    conflict.querySelector(".conflict-yours").textContent = result.yours;
    status.textContent = "Not saved: this note changed elsewhere. Choose a version below.";
    conflict.dataset.version = result.version;
    conflict.dataset.theirs = result.theirs;
    conflict.dataset.yours = result.yours;
  }

  conflict.addEventListener("click", (event) => {
    const keep = event.target.closest("[data-keep]");
    if (!keep) return;
    // "Mine" is whatever is in the box now, including anything typed since the conflict.
    if (keep.dataset.keep === "theirs") {
      localStorage.setItem(`${key}-discarded`, body.value);  // one last chance to recover it
      body.value = conflict.dataset.theirs;
    } else if (keep.dataset.keep === "both") {
      body.value = `${conflict.dataset.theirs}\n\n${body.value}`;
    }
    version.value = conflict.dataset.version;
    conflict.hidden = true;
    schedule(0);
    body.focus();
  });

  // Formatting buttons write Markdown round the selection (or at the start of its lines).
  form.querySelector(".toolbar")?.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const [start, end] = [body.selectionStart, body.selectionEnd];
    const text = body.value;
    if (button.dataset.wrap) {
      const mark = button.dataset.wrap;
      body.setRangeText(`${mark}${text.slice(start, end) || "text"}${mark}`, start, end, "select");
    } else {
      const from = text.lastIndexOf("\n", start - 1) + 1;
      const lines = text.slice(from, end).split("\n").map((line) => button.dataset.line + line);
      body.setRangeText(lines.join("\n"), from, end, "end");
    }
    body.focus();
    body.dispatchEvent(new Event("input"));
  });

  body.addEventListener("input", () => {
    localStorage.setItem(key, JSON.stringify({ body: body.value, version: version.value }));
    status.textContent = "Typing…";
    schedule(1000);
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); schedule(0); });
  form.dataset.ready = "1";
})();
