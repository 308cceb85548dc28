// Charts drawn from the data table beside them (Chart.js, vendor/chartjs). The table is the
// chart's accessible alternative and stays on the page; the chart only draws what it holds.
//
//   <figure class="chart" data-chart="bar|hbar|line" [data-unit="%"] [data-min="0"]
//           [data-max="100"] [data-reference-series="Nation"]>
//     <figcaption>What the chart shows</figcaption>
//     <canvas></canvas>
//     <table class="data">
//       <thead><tr><th scope="col">Year</th><th scope="col">School</th>…</tr></thead>
//       <tbody><tr><th scope="row">2021</th><td class="num" data-value="18.2">18%</td>…</tr></tbody>
//     </table>
//   </figure>
//
// A value comes from the cell's data-value, else from its text if that is a plain number;
// anything else ("c" for a suppressed count, "–") is a gap and is never plotted.
// Redrawn on DOMContentLoaded, htmx:afterSwap and htmx:historyRestore. No inline style or
// script: Chart.js sizes its canvas through element.style, which the CSP allows.
(() => {
  "use strict";

  // At least 3:1 against white (WCAG 1.4.11); the first ones are the site's own colours.
  const PALETTE = ["#0b5394", "#b35c00", "#1d6b35", "#6b2c91", "#a3195b", "#0e7c86"];
  const REFERENCE_COLOUR = "#1b2330";
  const GAP_COLOUR = "#4a5568";
  const GRID_COLOUR = "#c9d3e0";
  // More than colour tells the series apart: a marker shape per line, a fill pattern per bar.
  const POINT_STYLES = ["circle", "rect", "triangle", "star", "crossRot", "cross"];
  const REFERENCE_POINT = "rectRot"; // a diamond, used by no other series
  const PATTERNS = ["solid", "stripes", "dots", "cross"];
  const SUFFIX = " (the table below gives every value)";
  const drawn = new WeakMap(); // canvas -> signature of the data it was drawn from

  const text = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : "");

  function number(raw) {
    const s = String(raw).trim().replace(/\u2212/g, "-");
    if (!/^[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$/.test(s) || !/\d/.test(s)) return null;
    const n = Number(s.replace(/,/g, ""));
    return Number.isFinite(n) ? n : null;
  }

  function cellValue(cell) {
    if (!cell) return null;
    const given = cell.getAttribute("data-value");
    if (given !== null && given.trim() !== "") return number(given);
    return number(text(cell));
  }

  function readTable(table) {
    const head = table && table.tHead && table.tHead.rows[0];
    const series = head ? Array.from(head.cells).slice(1).map(text) : [];
    const labels = [];
    const values = series.map(() => []);
    const gaps = series.map(() => []); // what a gap's cell says ("c"), to mark it on bars
    if (table) {
      Array.from(table.tBodies).forEach((body) => {
        Array.from(body.rows).forEach((row) => {
          labels.push(text(row.cells[0]));
          series.forEach((_, i) => {
            const cell = row.cells[i + 1];
            const value = cellValue(cell);
            values[i].push(value);
            gaps[i].push(value === null ? text(cell).slice(0, 4) : "");
          });
        });
      });
    }
    const hasData = values.some((list) => list.some((v) => v !== null));
    return { series, labels, values, gaps, hasData };
  }

  function pattern(colour, kind) {
    if (kind === "solid") return colour;
    const tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    const ctx = tile.getContext("2d");
    if (!ctx) return colour;
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = ctx.fillStyle = "#ffffff";
    ctx.lineWidth = 1.5;
    if (kind === "dots") {
      ctx.beginPath();
      ctx.arc(4, 4, 1.6, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.beginPath();
      ctx.moveTo(0, 8); ctx.lineTo(8, 0); ctx.moveTo(-2, 2); ctx.lineTo(2, -2);
      ctx.moveTo(6, 10); ctx.lineTo(10, 6);
      if (kind === "cross") { ctx.moveTo(0, 0); ctx.lineTo(8, 8); }
      ctx.stroke();
    }
    return ctx.createPattern(tile, "repeat") || colour;
  }

  // Writes a gap's table text ("c") where its bar would stand, so it never reads as zero.
  const gapMarks = {
    id: "rtGapMarks",
    afterDatasetsDraw(chart) {
      const horizontal = chart.options.indexAxis === "y";
      const scale = chart.scales[horizontal ? "x" : "y"];
      if (!scale) return;
      const base = scale.getPixelForValue(Math.min(Math.max(0, scale.min), scale.max));
      const ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = GAP_COLOUR;
      ctx.font = `${Chart.defaults.font.size}px ${Chart.defaults.font.family}`;
      ctx.textAlign = horizontal ? "left" : "center";
      ctx.textBaseline = horizontal ? "middle" : "bottom";
      chart.data.datasets.forEach((dataset, i) => {
        const meta = chart.getDatasetMeta(i);
        if (!dataset.rtGaps || meta.type !== "bar" || !chart.isDatasetVisible(i)) return;
        dataset.rtGaps.forEach((mark, j) => {
          const bar = meta.data[j];
          if (!mark || !bar) return;
          const at = horizontal ? bar.y : bar.x;
          if (!Number.isFinite(at)) return;
          if (horizontal) ctx.fillText(mark, base + 4, at);
          else ctx.fillText(mark, at, base - 3);
        });
      });
      ctx.restore();
    },
  };

  function optionalNumber(value) {
    const n = value === undefined ? null : number(value);
    return n === null ? undefined : n;
  }

  function draw(figure) {
    const canvas = figure.querySelector("canvas");
    if (!canvas) return;
    const kind = ["bar", "hbar", "line"].includes(figure.dataset.chart) ? figure.dataset.chart : "bar";
    const data = readTable(figure.querySelector("table"));
    const unit = figure.dataset.unit || "";
    const reference = figure.dataset.referenceSeries || "";
    const caption = text(figure.querySelector("figcaption"));
    const signature = JSON.stringify([kind, unit, reference, caption, figure.dataset.min,
      figure.dataset.max, data.series, data.labels, data.values, data.gaps]);
    const existing = Chart.getChart(canvas);
    if (existing && drawn.get(canvas) === signature) return;
    if (existing) existing.destroy();
    drawn.set(canvas, signature);

    // A dedicated, CSS-sized box: Chart.js measures the canvas's parent, and the figure also
    // holds the table.
    let box = canvas.parentElement;
    if (!box.classList.contains("chart-box")) {
      box = document.createElement("div");
      box.className = "chart-box";
      canvas.replaceWith(box);
      box.appendChild(canvas);
    }

    if (!data.series.length || !data.labels.length || !data.hasData) {
      figure.classList.add("chart--empty");
      canvas.removeAttribute("role");
      canvas.removeAttribute("aria-label");
      canvas.setAttribute("aria-hidden", "true");
      return;
    }
    figure.classList.remove("chart--empty");
    canvas.removeAttribute("aria-hidden");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", (caption || "Chart") + SUFFIX);

    const horizontal = kind === "hbar";
    const barSeries = data.series.filter((name) => kind === "line" || name !== reference).length;
    // Room for every bar: a horizontal chart's height grows with its rows (element.style is
    // CSP-safe); the others keep the stylesheet's height.
    const rows = data.labels.length;
    box.style.height = horizontal
      ? `${Math.min(900, Math.max(200, 64 + rows * (10 + 18 * barSeries)))}px` : "";

    const style = getComputedStyle(figure);
    Chart.defaults.font.family = style.fontFamily;
    Chart.defaults.font.size = 14;
    Chart.defaults.color = style.color;
    const locale = document.documentElement.lang || undefined;
    const format = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    const show = (value) => `${format.format(value)}${unit}`;

    let colourIndex = 0;
    const datasets = data.series.map((name, i) => {
      const isReference = reference !== "" && name === reference;
      const colour = isReference ? REFERENCE_COLOUR : PALETTE[colourIndex % PALETTE.length];
      const nth = isReference ? 0 : colourIndex++;
      const asLine = kind === "line" || isReference;
      const set = {
        label: name,
        data: data.values[i],
        borderColor: colour,
        order: isReference ? 0 : 1, // the reference line is drawn over the bars
        rtGaps: data.gaps[i],
      };
      if (asLine) {
        Object.assign(set, {
          type: "line",
          backgroundColor: isReference ? "#ffffff" : colour,
          borderWidth: 2,
          borderDash: isReference ? [6, 4] : [],
          pointStyle: isReference ? REFERENCE_POINT : POINT_STYLES[nth % POINT_STYLES.length],
          pointBackgroundColor: isReference ? "#ffffff" : colour,
          pointBorderWidth: 2,
          pointRadius: 4,
          pointHoverRadius: 6,
          fill: false,
          spanGaps: false, // a gap stays a gap: no line is drawn across a suppressed value
          clip: false, // markers at the edges are drawn whole
          tension: 0,
        });
      } else {
        Object.assign(set, {
          type: "bar",
          backgroundColor: pattern(colour, PATTERNS[nth % PATTERNS.length]),
          borderWidth: 2,
        });
      }
      return set;
    });

    const reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const min = optionalNumber(figure.dataset.min);
    const max = optionalNumber(figure.dataset.max);
    const valueAxis = {
      // Every value axis starts at zero (or crosses it, for values below): an axis cut short
      // makes a small change look like a large one.
      beginAtZero: true,
      min,
      max,
      grid: { color: GRID_COLOUR },
      border: { color: GAP_COLOUR },
      ticks: { callback: (value) => show(value) },
    };
    const categoryAxis = { grid: { display: kind === "line", color: GRID_COLOUR }, border: { color: GAP_COLOUR } };

    new Chart(canvas, {
      type: kind === "line" ? "line" : "bar",
      data: { labels: data.labels, datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false, // the .chart-box's CSS height decides
        locale,
        animation: reduceMotion ? false : { duration: 400 },
        interaction: { mode: "index", intersect: false },
        layout: { padding: { top: 8, right: 12 } },
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: {
          legend: {
            display: datasets.length > 1,
            position: "bottom",
            onClick: () => {}, // hiding a series by mouse alone would not reach keyboard users
            labels: Object.assign(
              { sort: (a, b) => a.datasetIndex - b.datasetIndex },
              kind === "line" ? { usePointStyle: true, boxHeight: 10 } : {},
            ),
          },
          tooltip: {
            itemSort: (a, b) => a.datasetIndex - b.datasetIndex,
            callbacks: {
              // A gap says what its cell says ("c"), never a number.
              label: (item) => `${item.dataset.label}: ${item.raw === null
                ? item.dataset.rtGaps[item.dataIndex] || "no value"
                : show(horizontal ? item.parsed.x : item.parsed.y)}`,
            },
          },
        },
      },
      plugins: [gapMarks],
    });
  }

  function drawAll() {
    if (typeof Chart === "undefined") return; // no chart library: the tables still say it all
    // Charts whose canvas htmx swapped away are let go (their resize observers too).
    Object.values(Chart.instances).forEach((chart) => {
      if (!chart.canvas || !chart.canvas.isConnected) chart.destroy();
    });
    document.querySelectorAll("figure.chart[data-chart]").forEach((figure) => {
      try {
        draw(figure);
      } catch (error) {
        figure.classList.add("chart--empty"); // the table still says it all
        if (window.console) console.error("chart:", error);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
  document.addEventListener("htmx:afterSwap", drawAll);
  document.addEventListener("htmx:historyRestore", drawAll);
})();
