// Warns two minutes before the idle logoff and lets staff stay signed in (WCAG 2.2.1, Timing
// Adjustable). The server ends the session after `data-timeout` idle seconds whatever this
// script does; the button's request is itself the activity that renews the session. A
// same-origin file with no inline code, so the strict Content Security Policy allows it.
(function () {
  "use strict";
  var notice = document.getElementById("idle-warning");
  if (!notice) {
    return;
  }
  var timeout = Number(notice.dataset.timeout) * 1000;
  var warning = Math.min(Number(notice.dataset.warning) * 1000, timeout);
  var form = notice.querySelector("form");
  var button = form.querySelector("button");
  var countdown = notice.querySelector(".idle-countdown");
  var deadline, warnTimer, tick, focusBefore;

  function restart() {
    deadline = Date.now() + timeout;
    clearTimeout(warnTimer);
    clearInterval(tick);
    if (!notice.hidden) {
      notice.hidden = true;
      if (focusBefore && focusBefore.focus) {
        focusBefore.focus();
      }
    }
    warnTimer = setTimeout(warn, timeout - warning);
  }

  function warn() {
    focusBefore = document.activeElement;
    notice.hidden = false;
    update();
    tick = setInterval(update, 1000);
    button.focus();
  }

  function update() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    if (left === 0) {
      clearInterval(tick);
      // The session is over on the server: show the sign-in page rather than stale data. The
      // path only: a query string may hold a search for a patient's name.
      window.location.assign(notice.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname));
      return;
    }
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    countdown.textContent = minutes ? minutes + " min " + seconds + " s" : seconds + " seconds";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" }).then(
      function (response) {
        if (response.ok) {
          restart();
        } else {
          update();
        }
      },
      update
    );
  });

  restart();
})();
