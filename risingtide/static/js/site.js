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
