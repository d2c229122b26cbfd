// Video cards become players when, and only when, a reader clicks them. Until then nothing
// on the page comes from the video site. Other cards are plain links to the post.
(function () {
  "use strict";
  var players = {
    youtube: function (id) { return "https://www.youtube-nocookie.com/embed/" + encodeURIComponent(id) + "?autoplay=1"; },
    vimeo: function (id) { return "https://player.vimeo.com/video/" + encodeURIComponent(id) + "?autoplay=1&dnt=1"; }
  };
  document.querySelectorAll("figure.embed[data-embed]").forEach(function (card) {
    var player = players[card.dataset.embed];
    var link = card.querySelector("a.embed-link");
    if (!player || !link) return;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var frame = document.createElement("iframe");
      frame.src = player(card.dataset.embedId);
      frame.title = (card.querySelector(".embed-provider") || {}).textContent + " video";
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.className = "embed-player";
      card.replaceChildren(frame);
      card.classList.add("is-playing");
    });
  });
})();
