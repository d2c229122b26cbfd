// Live preview for the editor: the body is rendered by the server (the same sanitizer as the
// published page) a moment after typing stops. Without JavaScript, the Preview button does it.
(function () {
  "use strict";
  var body = document.querySelector("textarea[name=body]");
  var pane = document.getElementById("preview");
  var section = document.querySelector(".editor-preview");
  var token = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
  if (!body || !pane || !section) return;
  var timer = null;
  var latest = 0;

  function refresh() {
    var ticket = ++latest;
    fetch(section.dataset.previewUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ body: body.value, body_format: section.dataset.bodyFormat || "markdown" }).toString()
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      // The server sanitized it; an older answer arriving late is dropped.
      if (html !== null && ticket === latest) pane.innerHTML = html;
    });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  });
})();
