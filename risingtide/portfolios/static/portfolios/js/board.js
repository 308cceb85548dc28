// The board's one Add box, made quicker: Enter adds a note, or a link when the words are a web
// address; choosing a file adds it at once; a file dropped, or a link or picture pasted,
// anywhere on the stage goes in too. Each still posts the box's form to add_note, add_clipping
// or add_upload, which check everything; without this script the box's buttons do the same.
(() => {
  const form = document.querySelector("form[data-add]");
  if (!form) return;
  const box = form.querySelector("#add");
  const file = form.querySelector("#add-file");
  const note = form.querySelector("[data-add-note]");
  const link = form.querySelector("[data-add-link]");
  const upload = form.querySelector("[data-add-file]");
  const stage = form.closest("[data-drop]") || form;
  const status = document.getElementById("board-status");
  const say = (text) => { if (status) status.textContent = text; };
  const looksLikeLink = (text) => /^(https?:\/\/|www\.)\S+$|^[\w-]+(\.[\w-]+)+\/\S*$/i.test(text.trim());
  form.classList.add("enhanced");

  function update() {
    const isLink = looksLikeLink(box.value);
    if (isLink === form.classList.contains("is-link")) return;
    form.classList.toggle("is-link", isLink);
    if (isLink) say("That is a web address. Press Enter to add it as a link.");
  }

  function addFile(picked) {
    const transfer = new DataTransfer();
    transfer.items.add(picked);
    file.files = transfer.files;
    say(`Adding ${picked.name}…`);
    form.requestSubmit(upload);
  }

  box.addEventListener("input", update);
  box.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    event.preventDefault();
    form.requestSubmit(looksLikeLink(box.value) ? link : note);
  });
  file.addEventListener("change", () => {
    if (file.files.length) { say(`Adding ${file.files[0].name}…`); form.requestSubmit(upload); }
  });

  const carriesFiles = (event) => Array.from(event.dataTransfer?.types || []).includes("Files");
  stage.addEventListener("dragover", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    stage.classList.add("dropping");
  });
  stage.addEventListener("dragleave", (event) => {
    if (!stage.contains(event.relatedTarget)) stage.classList.remove("dropping");
  });
  stage.addEventListener("drop", (event) => {
    stage.classList.remove("dropping");
    if (!event.dataTransfer.files.length) return;
    event.preventDefault();
    if (event.dataTransfer.files.length > 1) say("One file at a time: adding the first.");
    addFile(event.dataTransfer.files[0]);
  });

  // Pasting outside the page's fields: a picture goes in as a file, a web address into the box.
  document.addEventListener("paste", (event) => {
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    const pasted = event.clipboardData;
    if (!pasted) return;
    if (pasted.files.length) {
      event.preventDefault();
      addFile(pasted.files[0]);
      return;
    }
    const text = pasted.getData("text");
    if (!looksLikeLink(text)) return;
    event.preventDefault();
    box.value = text.trim();
    box.focus();
    update();
  });
})();
