// Keyboard moderation: one key per decision, no full reloads. The buttons work without it.
(function () {
  "use strict";
  var queue = document.querySelector(".queue");
  if (!queue) return;
  var items = Array.prototype.slice.call(queue.querySelectorAll(".queue-item"));
  var token = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
  var current = -1;
  var lastUndo = null;

  // This page's requests go one after another: a decision never races the claim of its item,
  // nor an undo the claim of the next one.
  var previous = Promise.resolve();

  function post(url, body) {
    var request = previous.then(function () { return send(url, body); });
    previous = request.catch(function () {});
    return request;
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json",
                 "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body || {}).toString()
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, message: "Unexpected answer." }; });
    });
  }

  function say(item, text) { item.querySelector(".item-result").textContent = text; }

  function focusItem(index) {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (el) { el.classList.remove("is-current"); });
    var item = items[current];
    item.classList.add("is-current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
    post(item.dataset.claimUrl).then(function (answer) {
      if (!answer.ok) { markClaimed(item, answer.message); }
    });
  }

  function markClaimed(item, message) {
    item.classList.add("claimed");
    var note = item.querySelector(".claim-note");
    note.hidden = false;
    note.textContent = message;
  }

  function decide(decision) {
    var item = items[current];
    if (!item) return;
    post(item.dataset.decideUrl, { decision: decision }).then(function (answer) {
      say(item, answer.message);
      if (!answer.ok) { if (answer.message) markClaimed(item, answer.message); return; }
      item.classList.add("decided");
      item.querySelector(".item-status").textContent = answer.status_label;
      lastUndo = { url: answer.undo_url, item: item };
      focusItem(current + 1);
    });
  }

  function undo() {
    if (!lastUndo) return;
    var target = lastUndo;
    post(target.url).then(function (answer) {
      say(target.item, answer.message);
      if (answer.ok) {
        target.item.classList.remove("decided");
        target.item.querySelector(".item-status").textContent = answer.status_label;
        current = items.indexOf(target.item);
        focusItem(current);
        lastUndo = null;
      }
    });
  }

  function go(attribute, hash) {
    var item = items[current];
    if (item) window.location.href = item.dataset[attribute] + (hash || "");
  }

  var keys = {
    j: function () { focusItem(current + 1); },
    k: function () { focusItem(current - 1); },
    a: function () { decide("approve"); },
    s: function () { decide("spam"); },
    d: function () { decide("remove"); },
    h: function () { decide("hold"); },
    u: undo,
    e: function () { go("editUrl"); },
    r: function () { go("replyUrl"); },
    b: function () { go("commenterUrl", "#sanction"); },
    x: function () {
      var box = items[current] && items[current].querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
    }
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    var action = keys[event.key];
    if (action) { event.preventDefault(); if (current < 0 && event.key !== "u") { focusItem(0); if (event.key === "j") return; } action(); }
  });

  // Keep the claims of other moderators visible without reloading.
  function refreshClaims() {
    var ids = items.map(function (item) { return item.dataset.commentId; }).join(",");
    if (!ids) return;
    fetch(queue.dataset.claimsUrl + "?ids=" + ids, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        items.forEach(function (item) {
          var who = answer.claims[item.dataset.commentId];
          if (who) { markClaimed(item, who + " is working on this"); }
        });
      }).catch(function () {});
  }
  refreshClaims();
  window.setInterval(refreshClaims, 15000);
})();
