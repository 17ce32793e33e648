// planwatch: the little script the pages need. Served from /assets (CSP: script-src 'self').
"use strict";
(function () {
  // Document view: bring the highlighted source sentence into view.
  var hl = document.getElementById("hl");
  if (hl) { hl.scrollIntoView({ block: "center" }); }

  // Error pages: back to the form that was sent, as filled in (the browser restores form
  // fields on going back), instead of an empty form.
  var back = document.getElementById("go-back");
  if (back && window.history.length > 1) {
    back.hidden = false;
    back.addEventListener("click", function () { window.history.back(); });
  }

  // Document view in "pick" mode: the analyst selects the source text of an item; its byte
  // offsets in the source text (UTF-8) go into the form. Each line carries its byte offset.
  var bar = document.getElementById("pickbar");
  if (!bar) { return; }
  var startField = document.getElementById("pick-start");
  var endField = document.getElementById("pick-end");
  var submit = document.getElementById("pick-submit");
  var preview = document.getElementById("pick-preview");
  var enc = new TextEncoder();
  function lineOf(node) {
    while (node && !(node.nodeType === 1 && node.classList.contains("ln"))) { node = node.parentNode; }
    return node;
  }
  function byteOffset(container, offset) {
    var line = lineOf(container);
    if (!line) { return null; }
    var r = document.createRange();
    r.setStart(line, 0);
    r.setEnd(container, offset);
    return parseInt(line.getAttribute("data-o"), 10) + enc.encode(r.toString()).length;
  }
  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
    var r = sel.getRangeAt(0);
    var a = byteOffset(r.startContainer, r.startOffset);
    var b = byteOffset(r.endContainer, r.endOffset);
    if (a === null || b === null || b <= a) { return; }
    startField.value = String(a);
    endField.value = String(b);
    submit.disabled = false;
    var text = sel.toString();
    preview.textContent = "已选 " + text.length + " 字:" + text.slice(0, 40) + (text.length > 40 ? "…" : "");
  });
})();
