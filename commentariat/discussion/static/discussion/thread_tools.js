// Reading a long thread: collapse and expand any branch, and "new since your last visit".
// Both live in this browser only (localStorage), per thread; without script every branch is
// open and nothing is marked.
(function () {
  "use strict";
  var list = document.querySelector(".comment-list[data-thread-id]");
  if (!list) return;
  var threadId = list.dataset.threadId;
  var collapsedKey = "commentariat-collapsed-" + threadId;
  var seenKey = "commentariat-seen-" + threadId;

  function load(storage, key, fallback) {
    try {
      var value = storage.getItem(key);
      return value === null ? fallback : JSON.parse(value);
    } catch (error) {
      return fallback;  // no storage (privacy settings) or an unreadable value
    }
  }

  function save(storage, key, value) {
    try { storage.setItem(key, JSON.stringify(value)); } catch (error) { /* not kept: fine */ }
  }

  // Collapse and expand -------------------------------------------------------------------
  var collapsed = load(window.localStorage, collapsedKey, []);
  if (!Array.isArray(collapsed)) collapsed = [];

  function setBranch(button, open) {
    var replies = document.getElementById(button.getAttribute("aria-controls"));
    replies.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = (open ? "Hide " : "Show ") + button.dataset.count +
      (button.dataset.count === "1" ? " reply" : " replies");
  }

  list.querySelectorAll("li.comment").forEach(function (item) {
    var replies = item.querySelector(":scope > ol.children");
    var header = item.querySelector(":scope > article > .comment-meta");
    if (!replies || !header) return;
    var id = item.id.replace("comment-", "");
    replies.id = "replies-" + id;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "thread-toggle";
    button.dataset.commentId = id;
    button.dataset.count = String(replies.querySelectorAll("li.comment").length);
    button.setAttribute("aria-controls", replies.id);
    header.appendChild(button);
    setBranch(button, collapsed.indexOf(id) === -1);
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest(".thread-toggle");
    if (!button) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    setBranch(button, open);
    var id = button.dataset.commentId;
    collapsed = collapsed.filter(function (other) { return other !== id; });
    if (!open) collapsed.push(id);
    save(window.localStorage, collapsedKey, collapsed);
  });

  function reveal(item) {
    // Open every collapsed branch above a comment, so that it can be shown.
    for (var node = item.parentElement; node && node !== list; node = node.parentElement) {
      if (node.matches("ol.children[hidden]")) {
        var button = list.querySelector('.thread-toggle[aria-controls="' + node.id + '"]');
        if (button) button.click();
      }
    }
  }

  // A permalink into a collapsed branch still lands on its comment.
  var target = /^#comment-\d+$/.test(window.location.hash) && document.querySelector(window.location.hash);
  if (target) {
    reveal(target);
    target.scrollIntoView();
  }

  // New since the last visit ----------------------------------------------------------------
  // The times compared are the server's (each comment's datetime), never this device's clock.
  // The first look of this tab session sets what counts as new, so a reload keeps the marks.
  var baseline = load(window.sessionStorage, seenKey, null);
  if (baseline === null) {
    baseline = load(window.localStorage, seenKey, "");
    save(window.sessionStorage, seenKey, baseline);
  }
  var newest = load(window.localStorage, seenKey, "");
  var fresh = [];
  list.querySelectorAll("li.comment > article").forEach(function (article) {
    var time = article.querySelector(".comment-meta time[datetime]");
    if (!time) return;
    var at = Date.parse(time.getAttribute("datetime"));
    if (!newest || at > Date.parse(newest)) newest = time.getAttribute("datetime");
    if (baseline && at > Date.parse(baseline)) fresh.push(article);
  });
  if (newest) save(window.localStorage, seenKey, newest);
  if (!fresh.length) return;

  fresh.forEach(function (article) {
    article.parentElement.classList.add("comment-new");
    article.setAttribute("tabindex", "-1");
    var mark = document.createElement("span");
    mark.className = "comment-new-mark";
    mark.textContent = "New";
    var header = article.querySelector(".comment-meta");
    header.insertBefore(mark, header.querySelector(".thread-toggle"));
    article.setAttribute("aria-label", article.getAttribute("aria-label") + ", new");
  });

  var tools = document.querySelector(".thread-tools");
  var next = document.createElement("button");
  next.type = "button";
  next.className = "next-new";
  next.setAttribute("aria-keyshortcuts", "n");
  next.textContent = "Next new comment (" + fresh.length + " new)";
  if (tools) tools.appendChild(next); else list.parentElement.insertBefore(next, list);
  var position = -1;

  function goToNextNew() {
    position = (position + 1) % fresh.length;
    var article = fresh[position];
    reveal(article.parentElement);
    article.focus();
    article.scrollIntoView({ block: "start" });
  }

  next.addEventListener("click", goToNextNew);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey) return;
    var active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) return;
    event.preventDefault();
    goToNextNew();
  });
})();
