// Progressive enhancement of partials/share.html: a "copy the link" button and the system share sheet.
// Without JavaScript the share links and the read-only field holding the URL work as they are.
// Loaded with <script src defer>: no inline script or handler, so a strict Content-Security-Policy holds.
(function () {
  "use strict";

  function enhance(box) {
    var field = box.querySelector("[data-share-url]");
    var status = box.querySelector("[data-share-status]");
    var copy = box.querySelector("[data-share-copy]");
    var native = box.querySelector("[data-share-native]");
    if (!field) {
      return;
    }

    function say(text) {
      // Emptied first so that the same message is announced again on a second click.
      if (!status) { return; }
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text || ""; }, 50);
    }

    function selectField() {
      field.focus();
      field.select();
      say(box.getAttribute("data-copy-failed"));
    }

    if (copy) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(function () {
            say(box.getAttribute("data-copied"));
          }, selectField);
        } else {
          selectField();
        }
      });
    }

    if (native && typeof navigator.share === "function") {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({
          title: native.getAttribute("data-title") || document.title,
          text: native.getAttribute("data-text") || "",
          url: field.value
        }).catch(function () { /* closed by the reader: nothing to do */ });
      });
    }
  }

  var boxes = document.querySelectorAll("[data-share]");
  for (var index = 0; index < boxes.length; index += 1) {
    enhance(boxes[index]);
  }
})();
