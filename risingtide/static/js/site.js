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
