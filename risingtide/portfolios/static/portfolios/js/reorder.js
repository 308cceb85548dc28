// Drag and drop to reorder the items of a stage. The Up/Down buttons do the same without a
// mouse; this only adds the drag. The server keeps the order; the page moves the card when it
// has answered, and says so to screen readers.
(() => {
  const status = document.getElementById("reorder-status");
  const token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  let dragged = null;

  document.querySelectorAll("ul[data-reorder]").forEach((list) => {
    list.addEventListener("dragstart", (event) => {
      dragged = event.target.closest("li[draggable]");
      if (!dragged) return;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.move);
      dragged.classList.add("dragging");
    });
    list.addEventListener("dragend", () => {
      if (dragged) dragged.classList.remove("dragging");
      dragged = null;
    });
    list.addEventListener("dragover", (event) => {
      // Only within the same stage: moving between stages is the item page's Stage field.
      if (dragged && dragged.parentElement === list) event.preventDefault();
    });
    list.addEventListener("drop", async (event) => {
      const target = event.target.closest("li[draggable]");
      if (!dragged || !target || target === dragged || dragged.parentElement !== list) return;
      event.preventDefault();
      const card = dragged;
      const cards = Array.from(list.children);
      const to = cards.indexOf(target);
      // The card names its move address (the Up/Down buttons post to the same one).
      const response = await fetch(card.dataset.move, {
        method: "POST",
        headers: { "X-CSRFToken": token },
        body: new URLSearchParams({ to: String(to) }),
        credentials: "same-origin",
      });
      const title = card.querySelector("a").textContent;
      if (!response.ok) {
        status.textContent = `Could not move ${title}.`;
        return;
      }
      const { index } = await response.json();
      const rest = Array.from(list.children).filter((li) => li !== card);
      list.insertBefore(card, rest[index] || null);
      status.textContent = `Moved ${title} to place ${index + 1} of ${rest.length + 1}.`;
    });
  });
})();
