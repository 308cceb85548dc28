// Autosave for a stage's thinking tool, as notes autosave (autosave.js): a second after typing
// stops, the form is posted with the version it was loaded at; the words wait in localStorage
// until the server has them; a save made from an out-of-date copy (a group-mate saved first)
// is refused with 409 and the pupil's words are shown to copy, never dropped. The Reflection
// journal saves its new entry as a draft: only "Add to my journal" makes it an entry.
(() => {
  const form = document.querySelector("form[data-tool-autosave]");
  if (!form) return;
  const url = form.dataset.toolAutosave;
  const key = `rt-tool-${document.body.dataset.user}-${form.dataset.toolKey}`;
  const draft = form.hasAttribute("data-draft");
  const version = form.querySelector("input[name=version]");
  const status = document.getElementById("tool-status");
  const conflict = document.getElementById("tool-conflict");
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  let timer = null;
  let saving = null;  // the save under way, if any
  let again = false;
  let stopped = false;

  const fields = () => Array.from(new FormData(form).entries())
    .filter(([name, value]) => name !== "csrfmiddlewaretoken" && typeof value === "string");
  const words = (entries) => entries
    .filter(([name, value]) => name !== "version" && !/^(score_|chosen|item|done_|criterion_)/.test(name) && value.trim())
    .map(([, value]) => value);
  const remember = () => localStorage.setItem(
    key, JSON.stringify({ url, draft, version: version.value, fields: fields() }),
  );

  function restore(entries) {
    const values = {};
    entries.forEach(([name, value]) => { (values[name] ||= []).push(value); });
    form.querySelectorAll("input, textarea, select").forEach((field) => {
      if (!field.name || field.type === "hidden" || field.name === "csrfmiddlewaretoken") return;
      const mine = values[field.name] || [];
      if (field.type === "checkbox" || field.type === "radio") field.checked = mine.includes(field.value);
      else field.value = mine[0] ?? "";
    });
  }

  function showWords(message, entries) {
    conflict.hidden = false;
    conflict.querySelector(".tool-conflict-message").textContent = message;
    const list = conflict.querySelector(".tool-conflict-words");
    list.replaceChildren(...words(entries).map((text) => {
      const item = document.createElement("li");
      const pre = document.createElement("pre");
      pre.textContent = text;
      item.append(pre);
      return item;
    }));
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  async function send() {
    remember();
    status.textContent = "Saving…";
    const body = new URLSearchParams(fields());
    if (draft) body.set("draft", "1");
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
        body,
        credentials: "same-origin",
      });
      const result = await response.json();
      if (response.ok) {
        version.value = result.version;
        if (!again) localStorage.removeItem(key);
        status.textContent = "All changes saved.";
      } else if (response.status === 409) {
        stopped = true;  // words stay in this browser and on the page until the pupil chooses
        status.textContent = "Not saved: this tool changed elsewhere. Your words are below.";
        showWords(result.message, fields());
      } else {
        status.textContent = `Not saved: ${result.error || response.statusText}. Your words are kept in this browser.`;
      }
    } catch (error) {
      status.textContent = "Not saved yet: no connection. Your words are kept in this browser and will be saved.";
      schedule(5000);
    }
  }

  async function save() {
    if (stopped) return;
    if (saving) { again = true; return; }
    saving = send();
    await saving;
    saving = null;
    if (again) { again = false; schedule(0); }
  }

  // Words from an earlier visit that never reached the server.
  const pending = JSON.parse(localStorage.getItem(key) || "null");
  if (pending && pending.version === version.value) {
    if (JSON.stringify(pending.fields) !== JSON.stringify(fields())) {
      restore(pending.fields);
      status.textContent = "Recovered words that had not been saved; saving them now…";
      schedule(0);
    }
  } else if (pending) {
    showWords("These words were not saved before the tool changed elsewhere. Copy what you want to keep.", pending.fields);
    localStorage.removeItem(key);
  }

  const changed = () => { if (!stopped) { remember(); status.textContent = "Typing…"; schedule(1000); } };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearTimeout(timer);
    if (form.hasAttribute("data-post-on-submit")) {
      // The grid or the journal is drawn again by the server: wait for any save, then post.
      if (saving) await saving;
      localStorage.removeItem(key);
      form.submit();
      return;
    }
    await save();  // the focus stays on Save; the status line says what happened
  });
  form.dataset.ready = "1";
})();
