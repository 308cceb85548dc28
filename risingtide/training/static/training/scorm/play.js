// The platform side of a SCORM module (decision 16). The package plays in a frame of the
// player's own origin; its runtime asks this page for the learner's CMI data when it is
// ready, and posts each commit here, and this page saves it (same origin, CSRF token) and
// says so. Only messages from that frame, from the player's origin, are listened to.
(() => {
  const frame = document.getElementById("scorm-frame");
  if (!frame) return;
  const playerOrigin = frame.dataset.playerOrigin;
  const start = JSON.parse(document.getElementById("scorm-start").textContent);
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const status = document.getElementById("scorm-status");
  const done = document.querySelector(".scorm-done");
  let saving = Promise.resolve();

  async function save(cmi, final) {
    const body = JSON.stringify({ session: start.session, cmi });
    try {
      const response = await fetch(frame.dataset.commitUrl, {
        method: "POST",
        credentials: "same-origin",
        // The last commit of a closing page still arrives (keepalive carries at most 64 KB).
        keepalive: final && body.length < 60000,
        headers: { "X-CSRFToken": token, "Content-Type": "application/json" },
        body,
      });
      const answer = await response.json();
      if (!response.ok) {
        status.textContent = `Your place was not saved: ${answer.error}`;
        return;
      }
      if (answer.completed) {
        status.textContent = "Module complete: your result is saved.";
        done.hidden = false;
      } else {
        const at = new Date(answer.saved_at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
        status.textContent = final ? `Saved at ${at}. You can close this module and come back to it.` : `Your place was saved at ${at}.`;
      }
    } catch (error) {
      status.textContent = "Your place could not be saved: check your connection.";
    }
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== playerOrigin || event.source !== frame.contentWindow) return;
    const message = event.data || {};
    if (message.type === "scorm:ready") {
      frame.contentWindow.postMessage({ type: "scorm:load", cmi: start.cmi }, playerOrigin);
    } else if (message.type === "scorm:commit" && message.cmi && typeof message.cmi === "object") {
      // One save at a time, in order: a later commit never lands before an earlier one.
      saving = saving.then(() => save(message.cmi, Boolean(message.final)));
    }
  });
})();
