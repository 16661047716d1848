/* Review of uncertain pairs: a key presses the button whose data-shortcut lists it (A/O accept, R/N reject). */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var key = (event.key || "").toLowerCase();
    if (key.length !== 1) return;
    var buttons = document.querySelectorAll("button[data-shortcut]");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].dataset.shortcut.split(" ").indexOf(key) >= 0 && !buttons[i].disabled) {
        event.preventDefault();
        buttons[i].disabled = true;  /* one verdict per pair, even if the key is pressed twice */
        buttons[i].form.requestSubmit ? buttons[i].form.requestSubmit() : buttons[i].form.submit();
        return;
      }
    }
  });
})();
