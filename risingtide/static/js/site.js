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
  // A stage tool's words (toolsave.js) go back to the tool they came from, the same way.
  const tools = `rt-tool-${document.body.dataset.user}-`;
  for (const key of Object.keys(localStorage).filter((k) => k.startsWith(tools))) {
    try {
      const { url, draft, fields } = JSON.parse(localStorage.getItem(key));
      if (!/^\/portfolios\/\d+\/tools\/[a-z]+\/$/.test(url)) { localStorage.removeItem(key); continue; }
      const body = new URLSearchParams(fields);
      if (draft) body.set("draft", "1");
      const response = await fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
        body,
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status === 200 || response.status === 409) localStorage.removeItem(key);
    } catch (error) { /* offline: keep the words */ }
  }
  form.dataset.flushed = "1";
  form.submit();
});

// The header's menus are <details>: they open and close by mouse, touch and keyboard without
// script. Script adds what a menu is expected to do: opening one closes the others, a click or
// focus elsewhere closes it, and Escape closes it and puts focus back on what opened it.
// On narrow screens one "Menu" button shows and hides the whole bar (CSS hides the bar only
// once this script has shown the button, so without script the bar simply shows).
(() => {
  const header = document.querySelector(".site-header");
  const toggle = header && header.querySelector(".menu-toggle");
  const openMenus = () => Array.from(document.querySelectorAll("details[data-disclosure][open]"));
  const closeOutside = (target) => {
    openMenus().forEach((menu) => { if (!menu.contains(target)) menu.open = false; });
  };
  const showBar = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    header.querySelector(".site-menu").classList.toggle("is-open", open);
  };

  document.addEventListener("toggle", (event) => {
    const menu = event.target;
    if (menu.matches && menu.matches("details[data-disclosure]") && menu.open) closeOutside(menu);
  }, true);  // toggle does not bubble: listen as it goes down
  document.addEventListener("click", (event) => closeOutside(event.target));
  document.addEventListener("focusin", (event) => closeOutside(event.target));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = openMenus();
    const menu = open.reverse().find((m) => m.contains(document.activeElement)) || open[0];
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
      event.preventDefault();
    } else if (toggle && toggle.getAttribute("aria-expanded") === "true") {
      showBar(false);
      toggle.focus();
      event.preventDefault();
    }
  });
  if (toggle) {
    toggle.hidden = false;
    header.classList.add("has-menu-toggle");
    toggle.addEventListener("click", () => showBar(toggle.getAttribute("aria-expanded") !== "true"));
  }
})();

// After an action the page comes back naming the thing acted on: in its address (#item-12,
// #stage, #up-12) or with data-focus. Put the keyboard focus there, so nobody Tabs back to it,
// and say the page's message again once the focus has moved, so a screen reader reads both.
document.addEventListener("DOMContentLoaded", () => {
  if (document.querySelector(".error-summary[tabindex='-1']")) return;  // that comes first
  let target = document.querySelector("main [data-focus]");
  if (!target && location.hash.length > 1) {
    try {
      target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    } catch (error) { target = null; }
  }
  const main = document.getElementById("main");
  if (!target || !main || !main.contains(target) || target === main) return;
  if (!target.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
    target.setAttribute("tabindex", "-1");
  }
  target.focus();
  const region = document.querySelector(".messages[role='status']");
  if (region) {
    const said = Array.from(region.childNodes);
    region.replaceChildren();
    setTimeout(() => region.replaceChildren(...said), 150);
  }
});

// A table or chart too wide for the screen (a phone's, say) scrolls inside its own box
// (.table-scroll, .scroll-x). While it does, the box is a region named by its caption and takes
// the keyboard focus, so arrow keys scroll it too; when it fits again it is plain once more.
// Boxes a page made regions itself are left as they are.
(() => {
  const boxes = () => document.querySelectorAll(
    ":is(.table-scroll, .scroll-x):not([role]), [data-scroll-region]",
  );
  const mark = () => {
    boxes().forEach((box, n) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls === box.hasAttribute("data-scroll-region")) return;
      if (!scrolls) {
        ["data-scroll-region", "role", "tabindex", "aria-labelledby", "aria-label"].forEach(
          (name) => box.removeAttribute(name),
        );
        return;
      }
      const caption = box.querySelector("caption, figcaption");
      box.setAttribute("data-scroll-region", "");
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      if (caption) {
        caption.id ||= `scroll-caption-${n}`;
        box.setAttribute("aria-labelledby", caption.id);
      } else {
        box.setAttribute("aria-label", "Scrolls sideways");
      }
    });
  };
  document.addEventListener("DOMContentLoaded", mark);
  document.addEventListener("htmx:afterSettle", mark);
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(mark);
  });
})();

// Words a page would lose: a form marked data-warn-unsaved that has been typed in asks before
// the page is left (by a link, or by sending another form on the page), as Moodle's and
// Mahara's forms do. Sending the form itself is not leaving it; but if the person then chooses
// to stay, that form still holds unsent words, so it stays marked. Forms that save themselves
// (autosave.js) are not marked.
(() => {
  const changed = new Set();
  let sending = null;
  const note = (event) => {
    const form = event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved")) changed.add(form);
  };
  document.addEventListener("input", note);
  document.addEventListener("change", note);
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) sending = event.target;
  });
  window.addEventListener("beforeunload", (event) => {
    const others = Array.from(changed).filter((form) => form !== sending);
    sending = null;  // asked once; staying leaves every form as it was
    if (others.length === 0) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to ask
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) changed.clear();  // back from the history: the page was left
  });
})();
