// Progressive enhancement of partials/video.html: a video in two clicks, with nothing from its host before.
// Without JavaScript the poster carries a plain link to the video on its host. With it, that link gives way to
// the « Lire la vidéo » button; pressing it puts the host's player (youtube-nocookie.com, or player.vimeo.com
// with dnt=1) in the poster's place, playing, and moves the focus into it. Until then the page has requested
// nothing from the host. Loaded with <script src defer> on pages with a video only: no inline script or handler,
// so the strict Content-Security-Policy holds; that page's policy lets in this player's frames and no other.
(function () {
  "use strict";

  function play(figure, stage) {
    var frame = document.createElement("iframe");
    frame.src = figure.getAttribute("data-video-player");
    frame.title = figure.getAttribute("data-video-frame-title") || "";
    frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    while (stage.firstChild) {
      stage.removeChild(stage.firstChild);
    }
    stage.appendChild(frame);
    figure.classList.add("video-playing");
    // The button is gone: the focus goes to the player, so a keyboard user carries on from where they pressed.
    frame.focus();
  }

  function enhance(figure) {
    var stage = figure.querySelector("[data-video-stage]");
    var link = figure.querySelector("[data-video-link]");
    var button = figure.querySelector("[data-video-play]");
    if (!stage || !button || !figure.getAttribute("data-video-player")) {
      return;
    }
    button.addEventListener("click", function () {
      play(figure, stage);
    });
    button.hidden = false;
    if (link) {
      link.hidden = true;
    }
  }

  var figures = document.querySelectorAll("figure[data-video-player]");
  for (var index = 0; index < figures.length; index += 1) {
    enhance(figures[index]);
  }
})();
