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

  function focusItem(index, keepFocus) {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (el) { el.classList.remove("is-current"); });
    var item = items[current];
    item.classList.add("is-current");
    if (!keepFocus) {
      // Only when moving by keys: scrolling under a pressed mouse button would lose its click.
      item.focus({ preventScroll: true });
      item.scrollIntoView({ block: "nearest" });
    }
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
    var body = { decision: decision, seen_version: item.dataset.version };
    post(item.dataset.decideUrl, body).then(function (answer) {
      say(item, answer.message);
      if (answer.conflict) { offerDecideAnyway(item, decision, answer); return; }
      if (answer.final) {  // its author erased or deleted it: nothing to decide, nothing to force
        item.classList.add("decided");
        item.querySelector(".item-status").textContent = answer.status_label;
        return;
      }
      if (!answer.ok) { if (answer.message) markClaimed(item, answer.message); return; }
      item.dataset.version = answer.version;
      item.classList.add("decided");
      item.querySelector(".item-status").textContent = answer.status_label;
      lastUndo = { url: answer.undo_url, item: item };
      // On to the next item; after the last one, stay (moving would claim the decided one again).
      if (current + 1 < items.length) focusItem(current + 1);
    });
  }

  // Another moderator (or the author) changed the comment since this page was loaded: nothing
  // was decided; show what happened and let the moderator confirm, on the comment as it is now
  // (answer.version: if it changes again, the server asks again).
  function offerDecideAnyway(item, decision, answer) {
    item.querySelector(".item-status").textContent = answer.status_label;
    item.dataset.version = answer.version;
    var result = item.querySelector(".item-result");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "decide-anyway";
    button.textContent = "Decide anyway";
    button.addEventListener("click", function () {
      current = items.indexOf(item);
      button.remove();
      decide(decision);
    });
    result.appendChild(document.createTextNode(" "));
    result.appendChild(button);
  }

  function undo() {
    if (!lastUndo) return;
    var target = lastUndo;
    post(target.url).then(function (answer) {
      say(target.item, answer.message);
      if (answer.ok) {
        target.item.classList.remove("decided");
        if (answer.version) { target.item.dataset.version = answer.version; delete target.item.dataset.remoteVersion; }
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

  // Shortcuts as this moderator set them: single keys, behind Alt+Shift, or off (WCAG 2.1.4).
  // A key acts on an item only once the moderator has moved to it (j/k, a click, Tab): never on
  // an item that merely happens to be first when the page loads.
  var mode = queue.dataset.shortcuts || "off";
  var moves = { j: true, k: true, u: true };

  function focusedIndex() {
    var active = document.activeElement;
    var item = active && active.closest ? active.closest(".queue-item") : null;
    return item ? items.indexOf(item) : -1;
  }

  function pressed(event) {
    if (event.ctrlKey || event.metaKey) return null;
    if (mode === "single") {
      if (event.altKey) return null;
      return event.key;
    }
    if (mode === "modifier") {
      if (!(event.altKey && event.shiftKey)) return null;
      var code = event.code || "";
      return code.indexOf("Key") === 0 ? code.slice(3).toLowerCase() : null;
    }
    return null;
  }

  if (mode !== "off") document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    var key = pressed(event);
    var action = key && keys[key];
    if (!action) return;
    event.preventDefault();
    var focused = focusedIndex();
    if (!moves[key]) {
      // Nothing chosen yet, or only focused by the page's load (a link to #item-…): nothing happens.
      if (focused < 0 || current < 0) return;
      if (focused !== current) focusItem(focused, true);
    } else if (key !== "u" && focused < 0 && current < 0) {
      focusItem(0);  // the first j or k only moves to the first item
      return;
    }
    action();
  });

  // With the script on, an item's decision buttons go through decide(): after the item's claim,
  // with the version the page showed, in this page's one queue of requests.
  queue.addEventListener("submit", function (event) {
    var item = event.target.closest(".queue-item");
    var button = event.submitter;
    if (!item || !button || button.name !== "decision") return;
    event.preventDefault();
    current = items.indexOf(item);
    decide(button.value);
  });

  // A click on an item (not on its links or buttons) takes it, as moving to it with the keys does.
  queue.addEventListener("click", function (event) {
    var item = event.target.closest(".queue-item");
    if (!item || event.target.closest("a, button, input, label")) return;
    var index = items.indexOf(item);
    if (index !== current) focusItem(index);
  });
  // A button pressed in an item claims it first (the requests of this page go one after another).
  queue.addEventListener("focusin", function (event) {
    var item = event.target.closest(".queue-item");
    if (!item || item === event.target) return;
    var index = items.indexOf(item);
    if (index !== current) focusItem(index, true);
  });

  // The live queue: what the other moderator (or an author, or a reader's report) changes shows
  // in place, and new items join the end of the page. A Server-Sent Events stream says when to
  // look (under ASGI); otherwise, and as a safety net, the page asks every few seconds. Nothing
  // runs while the page is hidden.
  var stateUrl = queue.dataset.stateUrl;
  var news = document.querySelector(".queue-news");
  var live = queue.dataset.live === "on";
  var fastMs = Math.max(2, Number(queue.dataset.pollSeconds) || 10) * 1000;
  var source = null, timer = null, pending = null, asking = false, added = 0;
  var reportsAfter = Number(queue.dataset.reportsAfter) || 0;  // reports the page has seen
  // after = 0 asks for no new items (a single comment's page shows only its own).
  var after = queue.dataset.append === "off" ? 0 :
    items.reduce(function (most, item) { return Math.max(most, Number(item.dataset.commentId)); }, 0);

  function unmarkClaimed(item) {
    item.classList.remove("claimed");
    var note = item.querySelector(".claim-note");
    note.hidden = true;
    note.textContent = "";
  }

  function refreshState() {
    if (!stateUrl || asking) return;
    asking = true;
    var query = new URLSearchParams(window.location.search);
    query.delete("page");
    query.set("ids", items.map(function (item) { return item.dataset.commentId; }).join(","));
    query.set("after", String(after));
    query.set("reports_after", String(reportsAfter));
    fetch(stateUrl + "?" + query.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { asking = false; if (answer) apply(answer); })
      .catch(function () { asking = false; });
  }

  function apply(answer) {
    items.forEach(function (item) {
      var now = answer.items[item.dataset.commentId];
      if (!now) return;
      if (now.claimed_by) markClaimed(item, now.claimed_by + " is working on this");
      else if (item.classList.contains("claimed")) unmarkClaimed(item);
      // Changed by someone else since this page showed it. Its data-version stays the one this
      // moderator saw, so a decision on it still asks "Decide anyway" (the server checks).
      var seen = Number(item.dataset.remoteVersion || item.dataset.version);
      if (Number(now.version) > seen) {
        item.dataset.remoteVersion = now.version;
        item.querySelector(".item-status").textContent = now.status_label;
        if (now.status === "pending") {
          say(item, "Changed since you opened this page (now " + now.status_label.toLowerCase() + ").");
        } else {
          item.classList.add("decided", "decided-elsewhere");
          say(item, now.status_label + (now.decided_by ? " by " + now.decided_by : "") + ".");
        }
      }
    });
    reportsAfter = Math.max(reportsAfter, answer.latest_report || 0);
    var empty = queue.querySelector(".queue-empty");
    answer.new.forEach(function (entry) {
      if (document.getElementById("item-" + entry.id)) return;
      var holder = document.createElement("div");
      holder.innerHTML = entry.html;  // rendered and escaped by the server, as the page is
      var item = holder.querySelector(".queue-item");
      if (!item) return;
      if (empty) { empty.remove(); empty = null; }
      queue.appendChild(item);
      items.push(item);
      after = Math.max(after, entry.id);  // entries come only while after > 0
      added += 1;
    });
    if (news && added) news.textContent = added + (added === 1 ? " new item" : " new items") + " added at the end of the page.";
    var count = document.querySelector(".pending-count");
    if (count) count.textContent = answer.pending_count + " waiting";
    document.title = document.title.replace(/^Queue \([^)]*\)/, "Queue (" + answer.pending_count +
      (answer.reported_count ? ", " + answer.reported_count + " reported" : "") + ")");
  }

  function soon() {  // a burst of events makes one request
    if (pending) return;
    pending = window.setTimeout(function () { pending = null; refreshState(); }, 300);
  }

  function poll(ms) {
    if (timer) window.clearInterval(timer);
    timer = window.setInterval(refreshState, ms);
  }

  function connect() {
    if (!live || !window.EventSource || source) return;
    source = new EventSource(queue.dataset.eventsUrl);
    source.addEventListener("queue", soon);
    source.addEventListener("open", function () { poll(queue.dataset.crossProcess === "on" ? 60000 : fastMs); });
    source.addEventListener("error", function () {
      if (source && source.readyState === EventSource.CLOSED) { source = null; poll(fastMs); }
    });
  }

  function start() { refreshState(); poll(fastMs); connect(); }
  function stop() {
    if (timer) { window.clearInterval(timer); timer = null; }
    if (source) { source.close(); source = null; }
  }
  document.addEventListener("visibilitychange", function () { if (document.hidden) stop(); else start(); });
  if (!document.hidden) start();
})();
