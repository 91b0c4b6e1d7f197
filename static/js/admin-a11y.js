/* Django admin's "filter horizontal" widget (SelectFilter2.js) labels its search icon, a plain
   <span>, with aria-label, which assistive technology ignores on an element with no role
   (axe: aria-prohibited-attr). Give the icons role="img" so the label is announced. Runs after
   SelectFilter2, which builds the widget on window load. */
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll("span.search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  window.addEventListener("load", function () { window.setTimeout(fix, 0); });
})();
