// Putting a stage's cards in a new order without a page load: the Up and Down buttons (the
// keyboard's way) and dragging a card by its handle, by mouse or by touch (SortableJS). The
// server keeps the order and says where the card landed; the page follows it, keeps the focus
// on the button pressed and says what happened in the board's polite status line. Without
// this script the buttons post their form and the page comes back focused on them.
(() => {
  const list = document.querySelector("ul[data-reorder]");
  const status = document.getElementById("board-status");
  if (!list || !status) return;
  const token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  const cards = () => Array.from(list.querySelectorAll(":scope > li.card"));
  const titleOf = (card) => card.querySelector(".card-link").textContent.trim();

  function say(text) {
    status.textContent = "";
    // A new text node after a moment, so the same words twice are still read out.
    setTimeout(() => { status.textContent = text; }, 50);
  }

  async function moveTo(card, to) {
    const response = await fetch(card.dataset.move, {
      method: "POST",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
      body: new URLSearchParams({ to: String(to) }),
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    return (await response.json()).index;
  }

  function place(card, index) {
    const rest = cards().filter((c) => c !== card);
    list.insertBefore(card, rest[index] || null);
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("button[name=direction]");
    if (!button) return;
    event.preventDefault();
    const card = button.closest("li.card");
    const all = cards();
    const to = all.indexOf(card) + (button.value === "up" ? -1 : 1);
    if (to < 0 || to >= all.length) {
      say(`${titleOf(card)} is already ${to < 0 ? "first" : "last"}.`);
      return;
    }
    try {
      const index = await moveTo(card, to);
      place(card, index);
      say(`Moved ${titleOf(card)} to place ${index + 1} of ${all.length}.`);
    } catch (error) {
      say(`Could not move ${titleOf(card)}. Try again.`);
    }
    button.focus();  // moving the card took the focus away with it
  });

  if (typeof Sortable === "undefined") return;
  Sortable.create(list, {
    handle: ".drag-handle",
    draggable: "li.card",
    animation: 150,
    forceFallback: true,  // the same pointer events for mouse, pen and touch
    onEnd: async (event) => {
      if (event.oldIndex === event.newIndex) return;
      const card = event.item;
      try {
        const index = await moveTo(card, event.newIndex);
        if (index !== event.newIndex) place(card, index);
        say(`Moved ${titleOf(card)} to place ${index + 1} of ${cards().length}.`);
      } catch (error) {
        place(card, event.oldIndex);
        say(`Could not move ${titleOf(card)}. Try again.`);
      }
    },
  });
})();
