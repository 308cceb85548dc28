// The presenter view on the board: the arrow keys, and a clicker's Page Up / Page Down once the
// page has scrolled as far as it goes, follow the page's own Previous and Next links. Keys
// pressed in the form that picks the work (a select, a checkbox) are left alone.
(() => {
  const link = (rel) => document.querySelector(`.lesson-steps a[rel=${rel}]`);
  const page = document.documentElement;
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.shiftKey || event.target.closest?.("input, select, textarea, [contenteditable]")) {
      return;
    }
    let rel = { ArrowRight: "next", ArrowLeft: "prev" }[event.key];
    if (event.key === "PageDown" && window.innerHeight + window.scrollY >= page.scrollHeight - 2) {
      rel = "next";
    }
    if (event.key === "PageUp" && window.scrollY <= 0) rel = "prev";
    const target = rel && link(rel);
    if (!target) return;
    event.preventDefault();
    target.click();
  });
})();
