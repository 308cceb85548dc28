// Autosave for a reflection, as notes autosave (portfolios/js/autosave.js): a second after
// typing stops; unsaved words kept in localStorage until the server has them; a version
// conflict shows both texts instead of choosing.
(() => {
  const form = document.querySelector("form.reflection");
  if (!form) return;
  const key = `rt-reflection-${document.body.dataset.user}-${form.dataset.key}`;
  const body = form.querySelector("textarea[name=body]");
  const version = form.querySelector("input[name=version]");
  const step = form.querySelector("input[name=step]").value;
  const status = form.querySelector(".save-status");
  const conflict = form.querySelector(".conflict");
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  let timer = null;
  let saving = false;
  let again = false;

  const pending = JSON.parse(localStorage.getItem(key) || "null");
  if (pending && pending.body !== body.value && !body.readOnly) {
    body.value = pending.body;
    version.value = pending.version;
    status.textContent = "Recovered words that had not been saved; saving them now…";
    schedule(0);
  }

  // A session that ran out answers with the sign-in page (a redirect fetch follows), not JSON.
  const SIGNED_OUT = "Not saved: you have been signed out. Your words are kept in this browser: "
    + "sign in again and open this page, and they will be saved.";
  const signedOut = (response) => response.redirected
    || !(response.headers.get("Content-Type") || "").includes("application/json");

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  async function save() {
    if (saving) { again = true; return; }
    saving = true;
    localStorage.setItem(key, JSON.stringify({ body: body.value, version: version.value }));
    status.textContent = "Saving…";
    const data = new URLSearchParams({ step, body: body.value, version: version.value });
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: { "X-CSRFToken": token },
        body: data,
        credentials: "same-origin",
      });
      if (signedOut(response)) {
        // Retrying cannot help: signing in again gives the page a new token. The words wait
        // here and come back when this page is opened again.
        status.textContent = SIGNED_OUT;
        return;
      }
      const result = await response.json();
      if (response.ok) {
        version.value = result.version;
        if (!again) localStorage.removeItem(key);
        status.textContent = "All changes saved.";
        const left = document.querySelector(`[data-left-step="${step}"]`);
        if (left) left.hidden = body.value.trim() !== "";
        const waiting = document.querySelectorAll("[data-left-step]:not([hidden])").length;
        const intro = document.querySelector(".finish-left");
        if (intro) intro.hidden = waiting === 0;
        const ready = document.querySelector(".finish-ready");
        if (ready) ready.hidden = waiting > 0;
      } else if (response.status === 409) {
        conflict.hidden = false;
        conflict.querySelector(".conflict-message").textContent = result.message;
        conflict.querySelector(".conflict-theirs").textContent = result.theirs;
        conflict.querySelector(".conflict-yours").textContent = result.yours;
        status.textContent = "Not saved: this reflection changed elsewhere. Choose a version below.";
        Object.assign(conflict.dataset, { version: result.version, theirs: result.theirs });
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

  conflict.addEventListener("click", (event) => {
    const keep = event.target.closest("[data-keep]");
    if (!keep) return;
    if (keep.dataset.keep === "theirs") body.value = conflict.dataset.theirs;
    else if (keep.dataset.keep === "both") body.value = `${conflict.dataset.theirs}\n\n${body.value}`;
    version.value = conflict.dataset.version;
    conflict.hidden = true;
    schedule(0);
    body.focus();
  });

  body.addEventListener("input", () => {
    localStorage.setItem(key, JSON.stringify({ body: body.value, version: version.value }));
    status.textContent = "Typing…";
    schedule(1000);
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); schedule(0); });
  form.dataset.ready = "1";
})();
