// After the passkey script says a passkey was made, go on to the page the markup names
// (the recovery codes, the first time; else the two-factor page), so the list is current.
document.addEventListener("otp_webauthn.register_complete", () => {
  const done = document.querySelector("[data-passkey-done]");
  if (done) window.location.assign(done.getAttribute("data-passkey-done"));
});
