// The SCORM player, on the player's own origin (decision 16). It holds the runtime
// (scorm-again) as window.API (1.2) or window.API_1484_11 (2004), so the package, framed
// below it on this same origin, finds it as window.parent.API. It asks the platform page that
// framed it for the learner's CMI data, loads it before the package starts, and posts each
// commit back to that page, which saves it. Messages go to, and are taken from, the platform
// page's origin only.
(() => {
  const frame = document.getElementById("sco");
  const platform = frame.dataset.platformOrigin;
  const standard = frame.dataset.standard;
  const KEPT = {
    "1.2": {
      "cmi.core.lesson_status": ["core", "lesson_status"],
      "cmi.core.lesson_location": ["core", "lesson_location"],
      "cmi.core.score.raw": ["core", "score", "raw"],
      "cmi.core.score.min": ["core", "score", "min"],
      "cmi.core.score.max": ["core", "score", "max"],
      "cmi.core.exit": ["core", "exit"],
      "cmi.core.session_time": ["core", "session_time"],
      "cmi.suspend_data": ["suspend_data"],
    },
    "2004": {
      "cmi.completion_status": ["completion_status"],
      "cmi.success_status": ["success_status"],
      "cmi.location": ["location"],
      "cmi.score.scaled": ["score", "scaled"],
      "cmi.score.raw": ["score", "raw"],
      "cmi.score.min": ["score", "min"],
      "cmi.score.max": ["score", "max"],
      "cmi.exit": ["exit"],
      "cmi.session_time": ["session_time"],
      "cmi.suspend_data": ["suspend_data"],
    },
  }[standard];
  let api = null;

  function kept() {
    // The runtime's own JSON export (write-only elements such as exit can be read only so).
    const cmi = JSON.parse(JSON.stringify(api.cmi));
    const flat = {};
    for (const [element, path] of Object.entries(KEPT)) {
      const value = path.reduce((at, key) => (at == null ? undefined : at[key]), cmi);
      if (value !== undefined && value !== null) flat[element] = String(value);
    }
    return flat;
  }

  function send(final) {
    window.parent.postMessage({ type: "scorm:commit", cmi: kept(), final }, platform);
  }

  function start(cmi) {
    const settings = { autocommit: true, autocommitSeconds: 15, logLevel: 5, lmsCommitUrl: false };
    if (standard === "1.2") {
      api = new window.Scorm12API(settings);
      api.loadFromJSON(cmi);
      api.on("LMSCommit", () => send(false));
      api.on("LMSFinish", () => send(true));
      window.API = api;
    } else {
      api = new window.Scorm2004API(settings);
      api.loadFromJSON(cmi);
      api.on("Commit", () => send(false));
      api.on("Terminate", () => send(true));
      window.API_1484_11 = api;
    }
    frame.src = frame.dataset.launch;
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== platform || event.source !== window.parent) return;
    const message = event.data || {};
    if (message.type === "scorm:load" && api === null) start(message.cmi || {});
  });
  window.parent.postMessage({ type: "scorm:ready" }, platform);
})();
