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
  var held = [];  // this reader's comments awaiting moderation, shown to them alone, in place
  var labels = { body: "Comment", author_name: "Name", author_email: "Email", author_url: "Website" };

  // Internal --_* properties take the host's --cmt-* values, else light or (prefers-color-scheme)
  // dark defaults; in dark, the widget paints its own panel, since the host page may be white.
  var css = ".cmt{--_text:var(--cmt-text,#1d1d1f);--_muted:var(--cmt-muted,#595959);--_rule:var(--cmt-rule,#bbb);" +
    "--_panel:var(--cmt-panel,#f6f3ea);--_accent:var(--cmt-accent,#8a1c1c);--_on-accent:#fff;--_error:#a4161a;--_field:#fff;" +
    "font-family:var(--cmt-font,system-ui,sans-serif);color:var(--_text);line-height:1.5}" +
    "@media (prefers-color-scheme:dark){.cmt{--_text:var(--cmt-text,#e8e6e3);--_muted:var(--cmt-muted,#b4b0a8);" +
    "--_rule:var(--cmt-rule,#5a5a5e);--_panel:var(--cmt-panel,#26262a);--_accent:var(--cmt-accent,#f29b8f);--_on-accent:#1b1b1d;" +
    "--_error:#ff9b92;--_field:#1b1b1d;background:var(--cmt-bg,#1b1b1d);padding:1em;border-radius:var(--cmt-radius,6px);color-scheme:dark}}" +
    ".cmt ol{list-style:none;margin:0;padding:0}.cmt ol ol{margin-left:1.2em;border-left:2px solid var(--_rule);padding-left:.8em}" +
    ".cmt-c{margin:.8em 0}.cmt-meta{font-size:.85em;color:var(--_muted)}.cmt-n{color:var(--_accent);font-weight:700;margin-right:.5em}" +
    ".cmt-body p{margin:.3em 0}.cmt-body{overflow-wrap:anywhere}.cmt-reply{font-size:.85em;background:none;border:0;color:var(--_accent);cursor:pointer;padding:0}" +
    ".cmt-held{font-style:italic;color:var(--_muted)}" +
    ".cmt form{display:grid;gap:.5em;margin-top:1em;padding:1em;background:var(--_panel);border-radius:var(--cmt-radius,6px)}" +
    // The label is bold; the field must not inherit that weight through `font: inherit`.
    ".cmt label{font-size:.85em;font-weight:600;display:grid;gap:.2em}" +
    ".cmt input,.cmt textarea{font:inherit;font-weight:400;font-size:1rem;color:var(--_text);background:var(--_field);padding:.4em;border:1px solid var(--_rule);border-radius:4px;min-width:0}" +
    ".cmt [aria-invalid=true]{border-color:var(--_error);outline:1px solid var(--_error)}" +
    ".cmt button[type=submit]{justify-self:start;font:inherit;font-weight:600;padding:.4em 1em;border:0;border-radius:4px;background:var(--_accent);color:var(--_on-accent);cursor:pointer}" +
    ".cmt-msg{font-size:.9em;margin:.5em 0}.cmt-msg.err{color:var(--_error)}.cmt-msg ul{margin:.3em 0;padding-left:1.2em}.cmt [hidden]{display:none!important}";

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
    input.addEventListener("input", function () { input.removeAttribute("aria-invalid"); });
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
        held.forEach(showHeld);
        heading.textContent = data.comment_count + " comment" + (data.comment_count === 1 ? "" : "s");
        form.hidden = !data.open;
      });
  }

  function showHeld(c) {
    // The text as typed, set as text: nothing the reader wrote is parsed as HTML.
    var li = el("li", { "class": "cmt-c cmt-held-c", id: "comment-" + c.id });
    var meta = el("div", { "class": "cmt-meta" });
    meta.appendChild(el("strong", {}, c.author_name));
    li.appendChild(meta);
    li.appendChild(el("div", { "class": "cmt-body" }, c.body));
    li.appendChild(el("p", { "class": "cmt-held" }, "Your comment is awaiting moderation."));
    var parent = c.parent_id && document.getElementById("comment-" + c.parent_id);
    var into = list;
    if (parent) {
      into = parent.querySelector(":scope > ol") || parent.appendChild(el("ol"));
    }
    into.appendChild(li);
  }

  function showErrors(text, fields) {
    // Every field in question is named, marked and linked to the message; focus goes to the first.
    message.className = "cmt-msg err";
    message.replaceChildren(document.createTextNode(text));
    var items = el("ul");
    var first = null;
    Object.keys(fields).forEach(function (name) {
      var input = form.elements[name];
      items.appendChild(el("li", {}, (labels[name] || name) + ": " + fields[name].join(" ")));
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    });
    if (items.children.length) message.appendChild(items);
    if (first) first.focus();
  }

  function missingFields() {
    var missing = {};
    ["body", "author_name", "author_email"].forEach(function (name) {
      if (!form.elements[name].value.trim()) missing[name] = ["This field is required."];
    });
    var email = form.elements.author_email.value.trim();
    if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) missing.author_email = ["Enter a valid email address."];
    return missing;
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
    var missing = missingFields();
    if (Object.keys(missing).length) {
      showErrors("Your comment was not sent. Please fill in:", missing);
      return;
    }
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
          showErrors(e.message || "Your comment was not saved.", e.fields || {});
          return;
        }
        if (answer.data.status === "awaiting_moderation") {
          held.push({ id: answer.data.id, parent_id: values.parent_id, author_name: values.author_name,
                      body: values.body });
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
