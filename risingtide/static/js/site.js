// Small behaviours for server-rendered pages. No inline handlers anywhere (CSP).
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-print], [data-check-all]");
  if (!target) return;
  if (target.hasAttribute("data-print")) {
    window.print();
  } else {
    const name = target.getAttribute("data-check-all");
    const boxes = target.form.querySelectorAll(`input[type="checkbox"][name="${name}"]`);
    const all = Array.from(boxes).every((box) => box.checked);
    boxes.forEach((box) => { box.checked = !all; });
    target.textContent = all ? "Choose all" : "Choose none";
  }
});

// After a failed form, take keyboard and screen-reader users straight to what went wrong.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary[tabindex='-1']");
  if (summary) summary.focus();
});

// Signing out on a shared school computer: first save this person's note words still waiting
// in this browser (autosave keeps them in localStorage until the server has them), then forget
// them, so the next person at this computer finds nothing. A conflict is kept by the server, so
// those words can go too; words that cannot be saved (offline, signed out) stay.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.hasAttribute("data-sign-out") || form.dataset.flushed) return;
  event.preventDefault();
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const prefix = `rt-note-${document.body.dataset.user}-`;
  const mine = Object.keys(localStorage).filter((k) => k.startsWith(prefix));
  for (const key of mine) {
    if (key.endsWith("-discarded")) { localStorage.removeItem(key); continue; }
    try {
      const { body, version } = JSON.parse(localStorage.getItem(key));
      const response = await fetch(`/items/${key.slice(prefix.length)}/save/`, {
        method: "POST",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
        body: new URLSearchParams({ body, version }),
        credentials: "same-origin",
        redirect: "manual",  // a session that has ended answers with a redirect: keep the words
      });
      const saved = response.status === 200 && "version" in (await response.json());
      if (saved || response.status === 409) localStorage.removeItem(key);
    } catch (error) { /* offline: keep the words */ }
  }
  form.dataset.flushed = "1";
  form.submit();
});
