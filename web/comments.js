/*
 * comments.js - small conveniences for the comment forms.  Everything
 * works without it: reply and edit forms open by themselves (<details>),
 * and the server checks every limit again.
 *
 * - opening a reply or edit form puts the cursor in its text box;
 * - under each comment box, how many characters are left.
 */
(function () {
  'use strict';

  document.addEventListener('toggle', function (e) {
    var d = e.target;
    if (!d || d.tagName !== 'DETAILS' || !d.open) return;
    var t = d.querySelector('textarea');
    if (t) t.focus();
  }, true);

  function count(t) {
    // characters as the server counts them: code points, line breaks as one
    return Array.from(t.value.replace(/\r\n?/g, '\n')).length;
  }

  var boxes = document.querySelectorAll('textarea[data-max]');
  Array.prototype.forEach.call(boxes, function (t) {
    var max = parseInt(t.getAttribute('data-max'), 10);
    if (!(max > 0)) return;
    var out = document.createElement('span');
    out.className = 'count';
    out.setAttribute('aria-live', 'polite');
    t.insertAdjacentElement('afterend', out);
    function update() {
      var left = max - count(t);
      out.textContent = left + ' characters left';
      out.classList.toggle('over', left < 0);
    }
    t.addEventListener('input', update);
    update();
  });
})();
