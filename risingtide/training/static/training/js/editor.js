// The module editor's autosave, as reflections autosave (reflection.js): a second after typing
// stops the whole draft goes to the server with the revision it was made from; until the
// server has it, it is kept in localStorage; a save from an out-of-date copy (another tab)
// is refused and the author chooses. A button that changes the structure (move, remove, add,
// upload) posts the whole draft too, after any save in flight.
(() => {
  const form = document.getElementById("draft");
  if (!form) return;
  const key = `rt-module-draft-${document.body.dataset.user}-${form.dataset.key}`;
  const revision = form.querySelector("input[name=revision]");
  const status = document.getElementById("save-status");
  const conflict = form.querySelector(".conflict");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let timer = null;
  let saving = null;
  let dirty = false;  // typed since the last save began
  let unsaved = false;  // the server has not got everything typed: the copy here is the only one

  // A session that ran out answers with the sign-in page (a redirect fetch follows), not JSON.
  const SIGNED_OUT = "Not saved: you have been signed out. Your words are kept in this browser: "
    + "sign in again and open this module, and they will be saved.";
  const signedOut = (response) => response.redirected
    || !(response.headers.get("Content-Type") || "").includes("application/json");

  const fields = () => {
    const data = new FormData(form);
    data.delete("action");
    for (const [name, value] of Array.from(data.entries())) {
      if (value instanceof File) data.delete(name);
    }
    return data;
  };
  const keep = () => {
    unsaved = true;
    localStorage.setItem(key, JSON.stringify({
      revision: revision.value,
      fields: Array.from(fields().entries()).filter(([name]) => name !== "csrfmiddlewaretoken"),
    }));
  };

  // Words typed here that the server never got (the tab closed, the connection dropped) come
  // back when the same draft is opened again.
  const pending = JSON.parse(localStorage.getItem(key) || "null");
  if (pending && pending.revision === revision.value) {
    let changed = false;
    for (const [name, value] of pending.fields) {
      const field = form.elements.namedItem(name);
      if (field && field.type !== "checkbox" && field.type !== "hidden" && field.value !== value) {
        field.value = value;
        changed = true;
      }
    }
    if (changed) {
      unsaved = true;
      status.textContent = "Recovered words that had not been saved; saving them now…";
      schedule(0);
    } else {
      localStorage.removeItem(key);
    }
  } else if (pending) {
    // The draft moved on since (another tab, another author): the words are neither put over
    // it nor thrown away, but set aside under their own key and shown until discarded.
    localStorage.setItem(`${key}-set-aside`, JSON.stringify(pending));
    localStorage.removeItem(key);
  }
  offerBack();

  function offerBack() {
    const panel = document.getElementById("set-aside");
    const aside = JSON.parse(localStorage.getItem(`${key}-set-aside`) || "null");
    if (!panel || !aside) return;
    const words = aside.fields.filter(([name, value]) => {
      if (!/^s-\d+-(.*-)?(title|body|prompt|alt|text|feedback)$/.test(name)) return false;
      const field = form.elements.namedItem(name);
      return value.trim() !== "" && (!field || field.value !== value);
    });
    if (words.length === 0) {
      localStorage.removeItem(`${key}-set-aside`);
      return;
    }
    panel.querySelector(".set-aside-words").replaceChildren(...words.map(([name, value]) => {
      const item = document.createElement("li");
      item.textContent = `Step ${Number(name.split("-")[1]) + 1}: ${value}`;
      return item;
    }));
    panel.hidden = false;
    panel.querySelector("[data-discard]").addEventListener("click", () => {
      localStorage.removeItem(`${key}-set-aside`);
      panel.hidden = true;
      status.textContent = "Discarded the words that were set aside.";
      status.focus();
    });
  }

  function schedule(delay) {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function showProblems(problems) {
    const panel = document.getElementById("problems");
    if (!panel || !problems) return;
    const list = panel.querySelector(".problem-list");
    list.replaceChildren(...problems.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    panel.hidden = problems.length === 0;
  }

  async function send() {
    dirty = false;
    keep();
    status.textContent = "Saving…";
    const data = fields();
    try {
      const response = await fetch(form.dataset.autosave, {
        method: "POST",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
        body: new URLSearchParams(data),
        credentials: "same-origin",
      });
      if (signedOut(response)) {
        status.textContent = SIGNED_OUT;  // retrying cannot help: a new sign-in, a new token
        return;
      }
      const result = await response.json();
      if (response.ok) {
        revision.value = result.revision;
        if (!dirty) {
          localStorage.removeItem(key);
          unsaved = false;
        }
        const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        status.textContent = `All changes saved (${time}).`;
        showProblems(result.problems);
      } else if (response.status === 409) {
        conflict.hidden = false;
        conflict.querySelector(".conflict-message").textContent = result.message;
        conflict.dataset.revision = result.revision;
        status.textContent = "Not saved: this module changed elsewhere. Choose below.";
      } else {
        status.textContent = `Not saved: ${result.error || response.statusText}. Your words are kept in this browser.`;
      }
    } catch (error) {
      status.textContent = "Not saved yet: no connection. Your words are kept in this browser and will be saved.";
      schedule(5000);
    }
  }

  function save() {
    clearTimeout(timer);
    saving = (saving || Promise.resolve()).then(send).finally(() => { saving = null; });
    return saving;
  }

  conflict.addEventListener("click", (event) => {
    if (!event.target.closest("[data-keep=mine]")) return;
    revision.value = conflict.dataset.revision;
    conflict.hidden = true;
    save();
    status.focus();
  });

  form.addEventListener("input", (event) => {
    if (event.target.type === "file") return;
    keep();
    const unchanged = form.querySelector(".draft-unchanged");
    if (unchanged) unchanged.hidden = true;  // it was, when the page was made
    status.textContent = "Typing…";
    schedule(1000);
  });

  // A structural button: let any save finish first, so the revision sent is the newest. If
  // that save failed (no connection, signed out) the button waits: posting the form then
  // would lose the words to an error page or the sign-in page, and the copy here with them.
  form.addEventListener("submit", async (event) => {
    if (!unsaved && !saving) return;
    event.preventDefault();
    const button = event.submitter;
    if (unsaved) await save(); else await saving;
    if (unsaved || !conflict.hidden) {
      status.focus();
      return;
    }
    form.requestSubmit(button);
  });

  // Back where the author acted: the step moved, the answer added, the page given a picture.
  if (location.hash) {
    const target = document.getElementById(location.hash.slice(1));
    if (target) target.focus();
  }
  form.dataset.ready = "1";
})();
