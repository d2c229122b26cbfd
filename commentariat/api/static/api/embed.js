/* Commentariat comments for any page: <div id="commentariat-thread"></div> and
   <script src="https://your-site/embed.js" data-page-url="…" async></script>.
   Talks only to the site it came from; no cookies; style it with the --cmt-* properties. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[src*='embed.js']");
  var root = document.getElementById("commentariat-thread");
  if (!script || !root) return;
  var base = new URL(script.src).origin;
  var pageUrl = script.dataset.pageUrl || location.href.split("#")[0];
  var replyTo = null;

  var css = ".cmt{font-family:var(--cmt-font,system-ui,sans-serif);color:var(--cmt-text,#1d1d1f);line-height:1.5}" +
    ".cmt ol{list-style:none;margin:0;padding:0}.cmt ol ol{margin-left:1.2em;border-left:2px solid var(--cmt-rule,#ddd);padding-left:.8em}" +
    ".cmt-c{margin:.8em 0}.cmt-meta{font-size:.85em;color:var(--cmt-muted,#666)}.cmt-n{color:var(--cmt-accent,#8a1c1c);font-weight:700;margin-right:.5em}" +
    ".cmt-body p{margin:.3em 0}.cmt-reply{font-size:.85em;background:none;border:0;color:var(--cmt-accent,#8a1c1c);cursor:pointer;padding:0}" +
    ".cmt form{display:grid;gap:.5em;margin-top:1em;padding:1em;background:var(--cmt-panel,#f6f3ea);border-radius:var(--cmt-radius,6px)}" +
    ".cmt label{font-size:.85em;font-weight:600;display:grid;gap:.2em}.cmt input,.cmt textarea{font:inherit;padding:.4em;border:1px solid var(--cmt-rule,#bbb);border-radius:4px}" +
    ".cmt button[type=submit]{justify-self:start;font:inherit;font-weight:600;padding:.4em 1em;border:0;border-radius:4px;background:var(--cmt-accent,#8a1c1c);color:#fff;cursor:pointer}" +
    ".cmt-msg{font-size:.9em;margin:.5em 0}.cmt-msg.err{color:#a4161a}.cmt [hidden]{display:none!important}";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  function comment(c) {
    var li = el("li", { "class": "cmt-c", id: "comment-" + c.id });
    var meta = el("div", { "class": "cmt-meta" });
    meta.appendChild(el("span", { "class": "cmt-n" }, c.number));
    if (c.removed) {
      meta.appendChild(document.createTextNode("Comment removed."));
      li.appendChild(meta);
    } else {
      var who = c.author_url ? el("a", { href: c.author_url, rel: "nofollow ugc noopener" }, c.author_name) : el("strong", {}, c.author_name);
      meta.appendChild(who);
      if (c.published_at) meta.appendChild(document.createTextNode(" · " + new Date(c.published_at).toLocaleString()));
      var body = el("div", { "class": "cmt-body" });
      body.innerHTML = c.body_html; // sanitized by the server's allow-list
      var reply = el("button", { type: "button", "class": "cmt-reply" }, "Reply");
      reply.addEventListener("click", function () { replyTo = c; showReplyTarget(); });
      li.appendChild(meta); li.appendChild(body); li.appendChild(reply);
    }
    if (c.replies.length) {
      var ol = el("ol");
      c.replies.forEach(function (r) { ol.appendChild(comment(r)); });
      li.appendChild(ol);
    }
    return li;
  }

  var box = el("div", { "class": "cmt" });
  var heading = el("h3", {}, "Comments");
  var list = el("ol");
  var form = el("form", { novalidate: "" });
  var target = el("p", { "class": "cmt-msg" });
  var message = el("p", { "class": "cmt-msg", role: "status" });

  function field(label, name, type, required) {
    var wrap = el("label", {}, label + (required ? " *" : ""));
    var input = type === "textarea" ? el("textarea", { name: name, rows: "5" }) : el("input", { name: name, type: type });
    if (required) input.required = true;
    wrap.appendChild(input);
    form.appendChild(wrap);
  }

  function showReplyTarget() {
    target.textContent = replyTo ? "Replying to " + replyTo.author_name + " (" + replyTo.number + ")" : "";
    form.querySelector("textarea").focus();
  }

  function load() {
    return fetch(base + "/embed/thread?url=" + encodeURIComponent(pageUrl), { credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        list.replaceChildren.apply(list, (data.comments || []).map(comment));
        heading.textContent = data.comment_count + " comment" + (data.comment_count === 1 ? "" : "s");
        form.hidden = !data.open;
      });
  }

  form.appendChild(target);
  field("Comment", "body", "textarea", true);
  field("Name", "author_name", "text", true);
  field("Email (never published)", "author_email", "email", true);
  field("Website", "author_url", "url", false);
  form.appendChild(el("button", { type: "submit" }, "Post Comment"));
  form.appendChild(message);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var values = { url: pageUrl, title: document.title, parent_id: replyTo ? replyTo.id : null };
    ["body", "author_name", "author_email", "author_url"].forEach(function (name) { values[name] = form.elements[name].value; });
    message.className = "cmt-msg";
    message.textContent = "Sending…";
    fetch(base + "/embed/comments", {
      method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" }, body: JSON.stringify(values)
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (answer) {
        if (!answer.ok) {
          var e = answer.data.error || {};
          var details = Object.keys(e.fields || {}).map(function (k) { return e.fields[k].join(" "); }).join(" ");
          message.className = "cmt-msg err";
          message.textContent = (e.message || "Your comment was not saved.") + (details ? " " + details : "");
          return;
        }
        message.textContent = answer.data.message;
        form.elements.body.value = "";
        replyTo = null;
        target.textContent = "";
        return load();
      }).catch(function () { message.className = "cmt-msg err"; message.textContent = "Your comment was not saved. Please try again."; });
  });

  var style = el("style", {}, css);
  box.appendChild(style); box.appendChild(heading); box.appendChild(list); box.appendChild(form);
  root.replaceChildren(box);
  load();
})();
