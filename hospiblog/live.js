// Live reload for `hospiblog serve` only: never part of a built site.
(function () {
  "use strict";
  var overlayId = "hospiblog-error-overlay";
  function showError(message) {
    var box = document.getElementById(overlayId);
    if (!box) {
      box = document.createElement("div");
      box.id = overlayId;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:99999;background:rgba(20,20,20,.92);color:#fff;" +
        "padding:2rem;overflow:auto;font:16px/1.5 system-ui,sans-serif";
      var title = document.createElement("h2");
      title.textContent = "La page ne peut pas être mise à jour";
      var text = document.createElement("pre");
      text.style.cssText = "white-space:pre-wrap;font:15px/1.5 ui-monospace,monospace;color:#ffd7c2";
      box.appendChild(title);
      box.appendChild(text);
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = message;
  }
  function swapStylesheets(urls) {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var name = new URL(link.href).pathname.split("/").pop().split(".")[0];
      urls.forEach(function (url) {
        if (url.split("/").pop().split(".")[0] === name) { link.href = url; }
      });
    });
  }
  var source = new EventSource("/__hospiblog/events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("css", function (event) { swapStylesheets(JSON.parse(event.data).stylesheets); });
  source.addEventListener("error", function (event) {
    if (event.data) { showError(JSON.parse(event.data).message); }
  });
})();
