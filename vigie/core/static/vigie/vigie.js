/* Vigie: the little JavaScript the pages need (no inline script: the Content-Security-Policy forbids it).
 *
 * Live countdowns: <span class="countdown" data-deadline="2026-01-01T10:00:00+01:00"
 *   data-late="en retard de" data-units="j,h,min,s">…server-rendered text…</span>
 * The server renders the same text, so the page is right without JavaScript; this keeps it current.
 * Classes: "amber" under 24 h, "red" under 6 h, "late" after the deadline.
 */
(function () {
  "use strict";

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function format(ms, units) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var parts = [];
    if (d) parts.push(d + "\u00a0" + units[0]);
    parts.push(pad(h) + "\u00a0" + units[1]);
    parts.push(pad(m) + "\u00a0" + units[2]);
    if (!d) parts.push(pad(sec) + "\u00a0" + units[3]);
    return parts.join(" ");
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var deadline = Date.parse(el.dataset.deadline);
      if (isNaN(deadline)) return;
      var units = (el.dataset.units || "d,h,min,s").split(",");
      var left = deadline - now;
      el.classList.remove("amber", "red", "late");
      if (left <= 0) {
        el.textContent = (el.dataset.late || "late by") + " " + format(left, units);
        el.classList.add("late");
      } else {
        el.textContent = format(left, units);
        if (left < 6 * 3600 * 1000) el.classList.add("red");
        else if (left < 24 * 3600 * 1000) el.classList.add("amber");
      }
    });
  }

  /* Width of bars drawn from data attributes (inline styles are forbidden by the CSP). */
  function sizeBars(root) {
    (root || document).querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = el.dataset.width + "%";
    });
  }

  /* Buttons that copy a neighbouring text: <button data-copy="#id">. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.innerText || source.value || "").then(function () {
      var done = button.dataset.copied;
      if (done) { var old = button.textContent; button.textContent = done; setTimeout(function () { button.textContent = old; }, 1500); }
    });
  });

  /* Confirmation before destructive submits: <form data-confirm="…">. */
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () { tick(); sizeBars(); setInterval(tick, 1000); });
  document.addEventListener("htmx:afterSettle", function (event) { tick(); sizeBars(event.target); });
})();
