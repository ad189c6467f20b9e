/* CleanGov behaviour. The Content-Security-Policy forbids inline scripts and handlers, so every
 * behaviour lives here or in htmx attributes. Pages work without JavaScript; this only improves them. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Collapsible main navigation on narrow screens. Without JavaScript the menu simply stays open.
  function setupNavToggle() {
    var toggle = document.querySelector(".navtoggle");
    var nav = document.getElementById("mainnav");
    if (!toggle || !nav) { return; }
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      nav.classList.toggle("is-open", !open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("is-open")) {
        toggle.setAttribute("aria-expanded", "false");
        nav.classList.remove("is-open");
        toggle.focus();
      }
    });
  }

  // <form data-confirm="Are you sure?">: ask before submitting (the text comes translated from the template).
  function setupConfirm() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var question = form.getAttribute && form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }, true);
  }

  // An element with data-autofocus-error: focus the first invalid field so screen readers announce it.
  function focusFirstError() {
    var invalid = document.querySelector(".field-invalid input, .field-invalid select, .field-invalid textarea");
    if (invalid) { invalid.focus(); }
  }

  // htmx failures (network, 5xx) would otherwise leave a polling element silently stale.
  function setupHtmxErrors() {
    document.body.addEventListener("htmx:responseError", function (event) {
      var target = event.detail && event.detail.target;
      if (target) { target.classList.add("htmx-failed"); }
    });
  }

  // A table wider than the screen scrolls sideways inside .table-wrap; keyboard users must be able to reach
  // and scroll it, so a wrap that actually scrolls becomes a focusable, named region (and stops being one
  // when the window grows wide enough). The name is the table's caption or the nearest heading above.
  function regionName(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var el = wrap.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) { el = el.previousElementSibling; }
    if (!el && wrap.parentElement) { el = wrap.parentElement.querySelector("h1, h2, h3"); }
    return el ? el.textContent.trim() : document.title;
  }
  function markScrollRegions() {
    var wraps = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        if (!wrap.hasAttribute("tabindex")) {
          wrap.setAttribute("tabindex", "0");
          wrap.setAttribute("role", "region");
          wrap.setAttribute("aria-label", regionName(wrap));
          wrap.setAttribute("data-scroll-region", "");
        }
      } else if (wrap.hasAttribute("data-scroll-region")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        wrap.removeAttribute("data-scroll-region");
      }
    }
  }

  ready(function () {
    markScrollRegions();
    window.addEventListener("resize", markScrollRegions);
    document.body.addEventListener("htmx:afterSettle", markScrollRegions);
    setupNavToggle();
    setupConfirm();
    focusFirstError();
    setupHtmxErrors();
  });
}());
