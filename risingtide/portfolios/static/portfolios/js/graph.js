// The connections graph (Cytoscape.js): the same data as the list on the page. Dragging saves
// the layout; clicking two items fills the accessible form below, which does the connecting.
(() => {
  const box = document.getElementById("graph");
  if (!box || typeof cytoscape === "undefined") return;
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const layoutUrl = box.dataset.layoutUrl;

  fetch(box.dataset.graphUrl, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((data) => {
      const placed = data.nodes.every((n) => n.x !== null && n.y !== null);
      const somePlaced = data.nodes.some((n) => n.x !== null && n.y !== null);
      const cy = cytoscape({
        container: box,
        elements: [
          ...data.nodes.map((n) => ({
            data: { id: n.id, item: n.item, label: n.title, stage: n.stage },
            position: n.x !== null ? { x: n.x, y: n.y } : undefined,
          })),
          ...data.edges.map((e) => ({
            data: { id: e.id, source: e.source, target: e.target, label: e.label },
          })),
        ],
        layout: placed || somePlaced
          ? { name: "preset", fit: true, padding: 40 }
          : data.nodes.length < 8
            ? { name: "circle", padding: 40 }
            : { name: "cose", animate: false, padding: 40, idealEdgeLength: 120 },
        wheelSensitivity: 0.3,
        minZoom: 0.2,
        maxZoom: 1.5,
        style: [
          {
            selector: "node",
            style: {
              "background-color": "#0b5394", label: "data(label)", color: "#1b2330",
              "font-size": 12, "text-valign": "bottom", "text-margin-y": 4,
              "text-wrap": "wrap", "text-max-width": 120, width: 26, height: 26,
            },
          },
          { selector: "node:selected", style: { "background-color": "#b35c00", "border-width": 3, "border-color": "#1b2330" } },
          {
            selector: "edge",
            style: {
              width: 2, "line-color": "#4a5568", "target-arrow-color": "#4a5568",
              "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)",
              "font-size": 11, color: "#1b2330", "text-background-color": "#ffffff",
              "text-background-opacity": 1, "text-background-padding": 2,
            },
          },
        ],
      });
      if (!placed && somePlaced) {
        // Keep the pupil's arrangement: put only the new items in a row below it.
        cy.nodes().filter((n) => data.nodes.find((d) => d.id === n.id()).x === null)
          .layout({ name: "grid", rows: 1, boundingBox: { x1: 0, y1: cy.extent().y2 + 60, w: 600, h: 80 } })
          .run();
      }
      box.graph = cy;  // for the browser tests, which click real nodes
      box.classList.add("ready");

      if (!layoutUrl) { cy.autolock(true); return; }
      const save = () => {
        const positions = {};
        cy.nodes().forEach((n) => { positions[n.data("item")] = [n.position("x"), n.position("y")]; });
        fetch(layoutUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": token, "Content-Type": "application/json" },
          body: JSON.stringify({ positions }),
        });
      };
      cy.on("dragfree", "node", save);
      if (!placed) save();

      let first = null;
      cy.on("tap", "node", (event) => {
        const node = event.target;
        const form = document.getElementById("connection-form");
        if (!form) return;
        if (first === null || first === node) {
          first = node;
          form.querySelector("#id_source").value = node.data("item");
        } else {
          form.querySelector("#id_target").value = node.data("item");
          first = null;
          form.querySelector("#id_label").focus();
        }
      });
    });
})();
