// A draft self-evaluation, one theme at a time (views/self_evaluation.py). No inline script (CSP).
//
// After htmx saves an element, the answer marks where the focus belongs ([data-focus], the
// element's heading): the focus goes there, not to the page's body, and the page's polite live
// region, which the answer has filled, says it again once the focus has moved, so a screen
// reader reads both. Without htmx, the save comes back as a page whose address names the element
// (#element-3) and site.js does the same.
//
// Nothing typed is lost by leaving: an element changed since it was saved is marked "Not saved
// yet", and leaving the page (another theme, submitting) while one is asks first.
(() => {
  const news = document.getElementById("evaluation-news");
  let submitting = null;

  document.addEventListener("htmx:afterSettle", () => {
    const target = document.querySelector("main [data-focus]");
    if (!target) return;
    target.removeAttribute("data-focus");
    target.focus();
    if (news) {
      const said = Array.from(news.childNodes);
      news.replaceChildren();
      setTimeout(() => news.replaceChildren(...said), 150);
    }
  });

  const changed = (event) => {
    const form = event.target.closest && event.target.closest("form.judge-form");
    if (!form || form.hasAttribute("data-unsaved")) return;
    form.setAttribute("data-unsaved", "");
    const status = form.querySelector(".save-status");
    if (status) status.textContent = "Not saved yet.";
  };
  document.addEventListener("input", changed);
  document.addEventListener("change", changed);

  // A form sent the ordinary way (htmx not there to send it) leaves the page with its words.
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented && event.target.matches("form.judge-form")) {
      submitting = event.target;
    }
  });

  window.addEventListener("beforeunload", (event) => {
    const unsaved = Array.from(document.querySelectorAll("form.judge-form[data-unsaved]"))
      .filter((form) => form !== submitting);
    if (unsaved.length) {
      event.preventDefault();
      event.returnValue = "";  // older browsers ask only when this is set
    }
  });
})();
