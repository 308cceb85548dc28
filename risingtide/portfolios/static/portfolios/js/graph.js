// The connections graph (Cytoscape.js): the same data as the list on the page. Each item is a
// small card in its stage's colours (board.css) saying what it is and which stage, with its
// picture when it has one; each connection says its words on the line. Dragging saves the
// layout; tapping two items fills the form beside the graph, which does the connecting.
(() => {
  const box = document.getElementById("graph");
  if (!box || typeof cytoscape === "undefined") return;
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const layoutUrl = box.dataset.layoutUrl;
  const status = document.getElementById("graph-status");
  const css = getComputedStyle(box);
  const colour = (stage, pale) => css.getPropertyValue(`--stage-${stage}${pale ? "-pale" : ""}`).trim() || (pale ? "#eef2f7" : "#0b5394");
  const READABLE = 0.85;  // never start smaller than this: labels stay readable

  // Items nobody has placed yet: a band per stage, in the wheel's order, two across when a
  // stage has more than three, so the graph is wider than tall like the box it is drawn in.
  function columns(nodes, stages) {
    let left = 0;
    stages.forEach((stage) => {
      const mine = nodes.filter((n) => n.stage === stage);
      if (!mine.length) return;
      const across = mine.length > 3 ? 2 : 1;
      mine.forEach((n, k) => {
        n.auto = { x: left + (k % across) * 210, y: Math.floor(k / across) * 150 + (k % across) * 40 };
      });
      left += across * 210 + 50;
    });
  }

  fetch(box.dataset.graphUrl, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((data) => {
      const placed = data.nodes.every((n) => n.x !== null && n.y !== null);
      const somePlaced = data.nodes.some((n) => n.x !== null && n.y !== null);
      columns(data.nodes.filter((n) => n.x === null), data.stages);
      const cy = cytoscape({
        container: box,
        elements: [
          ...data.nodes.map((n) => ({
            data: {
              id: n.id, item: n.item, stage: n.stage, title: n.title,
              label: `${n.title}\n${n.kind_label} · ${n.stage_title}`,
              fill: colour(n.stage, true), line: colour(n.stage, false),
              ...(n.picture ? { picture: n.picture } : {}),
            },
            classes: n.picture ? "pictured" : "",
            position: n.x !== null ? { x: n.x, y: n.y } : (somePlaced ? undefined : n.auto),
          })),
          ...data.edges.map((e) => ({
            data: { id: e.id, source: e.source, target: e.target, label: e.label },
          })),
        ],
        layout: { name: "preset", fit: true, padding: 30 },
        wheelSensitivity: 0.3,
        minZoom: 0.2,
        maxZoom: 2,
        style: [
          {
            selector: "node",
            style: {
              shape: "round-rectangle", width: 150, height: 64,
              "background-color": "data(fill)", "border-width": 3, "border-color": "data(line)",
              label: "data(label)", color: "#1b2330", "font-size": 14, "font-weight": 600,
              "font-family": "system-ui, sans-serif",
              "text-valign": "center", "text-halign": "center", "text-wrap": "wrap",
              "text-max-width": 136, "line-height": 1.2, "z-index-compare": "manual", "z-index": 1,
            },
          },
          {
            selector: "node.pictured",
            style: {
              height: 112, "background-image": "data(picture)", "background-fit": "none",
              "background-width": "100%", "background-height": 52, "background-position-y": 0,
              "background-clip": "node", "background-image-containment": "inside",
              "text-margin-y": 26,
            },
          },
          { selector: "node:selected", style: { "border-width": 6, "border-color": "#1b2330" } },
          {
            selector: "edge",
            style: {
              width: 3, "line-color": "#4a5568", "target-arrow-color": "#4a5568",
              "target-arrow-shape": "triangle", "arrow-scale": 1.4, "curve-style": "bezier",
              label: "data(label)", "font-size": 13, "font-style": "italic", color: "#1b2330",
              "text-background-color": "#ffffff", "text-background-opacity": 1,
              "text-background-padding": 3, "text-background-shape": "round-rectangle",
              "text-border-color": "#c9d3e0", "text-border-width": 1, "text-border-opacity": 1,
              // Over the cards, so a line that crosses one still shows its words.
              "z-index-compare": "manual", "z-index": 2,
            },
          },
          { selector: "edge.picked", style: { width: 6, "line-color": "#b35c00", "target-arrow-color": "#b35c00" } },
        ],
      });
      if (!placed && somePlaced) {
        // Keep the pupil's arrangement: put only the new items in a row below it.
        cy.nodes().filter((n) => data.nodes.find((d) => d.id === n.id()).x === null)
          .layout({ name: "grid", rows: 1, boundingBox: { x1: 0, y1: cy.extent().y2 + 80, w: 900, h: 140 } })
          .run();
      }

      function readable() {
        cy.fit(undefined, 30);
        if (cy.zoom() >= READABLE) return;
        const box2 = cy.elements().boundingBox();
        cy.zoom(READABLE);
        cy.pan({ x: 30 - box2.x1 * READABLE, y: 30 - box2.y1 * READABLE });
      }
      readable();
      const picked = box.dataset.selected && cy.getElementById(box.dataset.selected);
      if (picked && picked.nonempty()) {
        picked.addClass("picked");
        cy.center(picked);
      }

      const tools = document.querySelector("[data-graph-tools]");
      if (tools) {
        tools.hidden = false;
        tools.addEventListener("click", (event) => {
          const button = event.target.closest("[data-zoom]");
          if (!button) return;
          const middle = { x: box.clientWidth / 2, y: box.clientHeight / 2 };
          if (button.dataset.zoom === "fit") cy.fit(undefined, 30);
          else cy.zoom({ level: cy.zoom() * (button.dataset.zoom === "in" ? 1.25 : 0.8), renderedPosition: middle });
        });
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
          status.textContent = `From: ${node.data("title")}. Now tap the thing it joins.`;
        } else {
          form.querySelector("#id_target").value = node.data("item");
          status.textContent = `To: ${node.data("title")}. Now say how they are connected.`;
          first = null;
          form.querySelector("#id_label").focus();
        }
      });
    });
})();
