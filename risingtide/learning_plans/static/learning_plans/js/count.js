// A live count under a box with a limit (data-limit): "43 characters left", and "12 too many"
// past it. Progressive: without script the limit is in the hint and the server says it.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-limit]").forEach((box) => {
    const limit = Number(box.dataset.limit);
    const count = document.createElement("p");
    count.className = "char-count";
    count.id = `${box.id}_count`;
    count.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", count);
    let said = null;
    const show = () => {
      const left = limit - box.value.trim().length;
      const over = left < 0;
      // Speak only on coming near the limit or crossing it, not on every key.
      const band = over ? "over" : left <= 20 ? "near" : "fine";
      count.setAttribute("aria-live", band === said ? "off" : "polite");
      said = band;
      count.textContent = over
        ? `${-left} character${left === -1 ? "" : "s"} too many`
        : `${left} character${left === 1 ? "" : "s"} left`;
      count.classList.toggle("char-count-over", over);
    };
    box.addEventListener("input", show);
    show();
  });
});
