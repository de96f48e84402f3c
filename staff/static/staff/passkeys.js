// Beside django-otp-webauthn's scripts (no inline code, for the CSP): once a passkey is made,
// the page shows it in the list; once the server answers a passkey with the lockout (429),
// the page reloads to show it, since the sign-in is over for now.
"use strict";

document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.reload();
});

document.addEventListener("otp_webauthn.verification_failed", function (event) {
  var response = event.detail && event.detail.response;
  if (response && response.status === 429) {
    window.location.reload();
  }
});
