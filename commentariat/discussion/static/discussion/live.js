// Live updates of an open thread: new comments are announced in a polite live region and put in
// their place only when the reader asks ("show"), so nothing moves under what they are reading.
// Connected only while the page is visible: a Server-Sent Events stream where the server offers
// one, otherwise a cheap request every few seconds.
(function () {
  "use strict";

  var news = document.getElementById("live-news");
  if (!news || !window.fetch) return;
  var after = Number(news.dataset.after) || 0;
  var pollMs = Math.max(1, Number(news.dataset.pollSeconds) || 30) * 1000;
  var waiting = [];       // fetched, not yet shown
  var known = {};         // ids fetched already (events can repeat what a poll found)
  var source = null, timer = null, streamRefused = false, asking = false;

  function check() {
    if (asking) return;
    asking = true;
    fetch(news.dataset.comments + "?after=" + after, { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (found) {
        asking = false;
        if (!found) return;
        found.comments.forEach(function (comment) {
          if (known[comment.id] || document.getElementById("comment-" + comment.id)) return;
          known[comment.id] = true;
          waiting.push(comment);
        });
        after = Math.max(after, found.latest);
        announce();
      })
      .catch(function () { asking = false; });
  }

  function announce() {
    news.textContent = "";
    if (!waiting.length) return;
    var text = document.createElement("span");
    text.textContent = waiting.length + (waiting.length === 1 ? " new comment — " : " new comments — ");
    var show = document.createElement("button");
    show.type = "button";
    show.className = "live-show";
    show.textContent = "show";
    show.addEventListener("click", showWaiting);
    news.appendChild(text);
    news.appendChild(show);
  }

  function showWaiting() {
    var first = null, elsewhere = [];
    waiting.forEach(function (comment) {
      var placed = place(comment);
      if (placed && !first) first = placed;
      if (!placed) elsewhere.push(comment);
    });
    waiting = [];
    news.textContent = "";
    elsewhere.forEach(function (comment) {  // on another page of the thread: a link to it
      var link = document.createElement("a");
      link.href = "/comments/" + comment.id + "/";
      link.textContent = "Comment " + comment.number;
      news.appendChild(link);
      news.appendChild(document.createTextNode(" "));
    });
    if (first) {
      var article = first.querySelector("article");
      article.tabIndex = -1;
      article.focus();
    }
  }

  function place(comment) {
    var holder = document.createElement("ol");
    holder.innerHTML = comment.html;  // rendered and escaped by the server, as the thread is
    var item = holder.firstElementChild;
    var list;
    if (comment.parent_id) {
      var parent = document.getElementById("comment-" + comment.parent_id);
      if (!parent) return null;
      list = parent.querySelector(":scope > ol.children");
      if (!list) {
        list = document.createElement("ol");
        list.className = "children";
        parent.appendChild(list);
      }
      list.appendChild(item);
    } else {
      list = document.querySelector("#comments ol.comment-list");
      var where = news.dataset.append;
      if (!where) return null;
      if (!list) {
        list = document.createElement("ol");
        list.className = "comment-list";
        news.insertAdjacentElement("afterend", list);
      }
      if (where === "start") list.insertBefore(item, list.firstChild);
      else list.appendChild(item);
    }
    item.classList.add("comment-new");
    return item;
  }

  function connect() {
    if (document.visibilityState !== "visible") return;
    check();  // what came while the page was hidden or unconnected
    if (window.EventSource && !streamRefused) {
      source = new EventSource(news.dataset.events);
      source.addEventListener("comment", check);
      source.addEventListener("check", check);
      source.onerror = function () {
        // Refused (no stream on this server, or too many readers): fall back to asking.
        if (source && source.readyState === EventSource.CLOSED) {
          streamRefused = true;
          source = null;
          startPolling();
        }
      };
    } else {
      startPolling();
    }
  }

  function startPolling() {
    if (!timer && document.visibilityState === "visible") timer = window.setInterval(check, pollMs);
  }

  function disconnect() {
    if (source) { source.close(); source = null; }
    if (timer) { window.clearInterval(timer); timer = null; }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") connect();
    else disconnect();
  });
  connect();
})();
