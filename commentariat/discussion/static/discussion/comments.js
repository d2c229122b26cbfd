// Enhances the comment thread; everything here also works without JavaScript.
(function () {
  "use strict";

  // A permalink to a comment on another page of the thread: ask the server where it lives,
  // once. (If the server sends the browser back here and the comment is still missing, stay:
  // asking again would go round in circles.)
  var match = /^#comment-(\d+)$/.exec(window.location.hash);
  if (match && !document.getElementById("comment-" + match[1]) && !askedRecently(match[1])) {
    window.location.replace("/comments/" + match[1] + "/");
    return;
  }

  function askedRecently(id) {
    var key = "commentariat-asked-" + id;
    try {
      var last = Number(window.sessionStorage.getItem(key) || 0);
      if (Date.now() - last < 30000) return true;
      window.sessionStorage.setItem(key, String(Date.now()));
      return false;
    } catch (error) {
      return true;  // no storage (privacy settings): never risk a loop
    }
  }

  // A refused submit: the page opens at the form (#respond); the summary of what to correct
  // takes the focus, so that a screen reader reads it first and Tab goes on to the fields.
  // (Again once loaded: the browser's jump to #respond at load would otherwise take it away.)
  var errors = document.getElementById("form-errors");
  if (errors) {
    errors.focus();
    window.addEventListener("load", function () { errors.focus(); });
  }

  showHeldComments();

  // A reader's comments awaiting moderation: a page made for them (their session cookie gets
  // them one) shows them; a page from a shared cache cannot, so they are fetched. The
  // commentariat_held cookie names the posts, nothing more; the session says which comments.
  function showHeldComments() {
    var section = document.getElementById("comments");
    if (!section || !section.dataset.held || !window.fetch) return;
    var match = /(?:^|;\s*)commentariat_held=([\d.]+)/.exec(document.cookie);
    if (!match || match[1].split(".").indexOf(section.dataset.postId) < 0) return;
    window.fetch(section.dataset.held, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : { comments: [] }; })
      .then(function (answer) { answer.comments.forEach(function (c) { placeHeld(section, c); }); })
      .catch(function () {});
  }

  function placeHeld(section, comment) {
    if (document.getElementById("comment-" + comment.id)) return;
    var holder = document.createElement("ol");
    holder.innerHTML = comment.html;  // rendered and escaped by the server, as the thread is
    var item = holder.firstElementChild;
    var parent = comment.parent_id && document.getElementById("comment-" + comment.parent_id);
    var list = parent ? parent.querySelector(":scope > ol.children") : section.querySelector("ol.comment-list");
    if (!list) {
      list = document.createElement("ol");
      list.className = parent ? "children" : "comment-list";
      if (parent) parent.appendChild(list);
      else section.insertBefore(list, section.querySelector(".thread-note"));
    }
    list.appendChild(item);
  }

  var respond = document.getElementById("respond");
  if (!respond) return;
  var form = respond.querySelector("form");
  if (!form) return;

  // The page may come from a shared cache, the same for every reader: what is this reader's
  // is filled in here. Without script, a reader with remembered details gets a page made for
  // them instead (the cookie makes caches pass the request on).
  fillRemembered(form);
  refreshStartedOnFirstFocus(form);

  // Name, email and website this browser was asked to remember: the cookie is Django's signed
  // value (base64url JSON, then ":" and the signature), read here, never sent to the page.
  function fillRemembered(form) {
    var match = /(?:^|;\s*)commentariat_commenter=([^;]+)/.exec(document.cookie);
    if (!match) return;
    var details;
    try {
      var payload = match[1].replace(/^"|"$/g, "").split(":")[0];
      details = JSON.parse(window.atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    } catch (error) {
      return;  // not ours, or changed: leave the form empty
    }
    if (!details || typeof details !== "object") return;
    var filled = false;
    ["author_name", "author_email", "author_url"].forEach(function (name) {
      var input = form.querySelector("input[name=" + name + "]");
      if (input && !input.value && typeof details[name] === "string" && details[name]) {
        input.value = details[name];
        filled = true;
      }
    });
    var remember = form.querySelector("input[name=remember]");
    if (filled && remember) remember.checked = true;
  }

  // The form's signed start time is when the page was made, which a shared cache may have kept a
  // while: ask for a fresh one when the reader starts writing (flood of bots posting at once).
  function refreshStartedOnFirstFocus(form) {
    var started = form.querySelector("input[name=started]");
    if (!started || !form.dataset.startedUrl || !window.fetch) return;
    form.addEventListener("focusin", function refresh() {
      form.removeEventListener("focusin", refresh);
      window.fetch(form.dataset.startedUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (token) { if (/^[\w:.-]+$/.test(token)) started.value = token; })
        .catch(function () {});  // keep the page's own: it still works, only older
    });
  }
  var parentInput = form.querySelector("input[name=parent]");
  var cancel = document.getElementById("cancel-reply");
  var cancelWrap = cancel.parentNode;
  var title = respond.querySelector(".reply-title-text");
  var home = document.getElementById("comments");
  var homeMarker = document.createElement("span");
  homeMarker.hidden = true;

  if (!parentInput.value) {
    respond.parentNode.insertBefore(homeMarker, respond);
  } else {
    home.appendChild(homeMarker);
  }

  function replyTo(link) {
    var item = document.getElementById("comment-" + link.dataset.commentId);
    var article = item.querySelector("article");
    article.insertAdjacentElement("afterend", respond);
    parentInput.value = link.dataset.commentId;
    title.textContent = "Replying to " + link.dataset.author;
    cancelWrap.hidden = false;
    form.querySelector("textarea").focus();
  }

  function cancelReply() {
    homeMarker.parentNode.insertBefore(respond, homeMarker);
    parentInput.value = "";
    title.textContent = "Leave a Reply";
    cancelWrap.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (link) {
      event.preventDefault();
      replyTo(link);
    } else if (event.target === cancel) {
      event.preventDefault();
      cancelReply();
    }
  });
})();
