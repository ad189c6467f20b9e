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

  ready(function () {
    setupNavToggle();
    setupConfirm();
    focusFirstError();
    setupHtmxErrors();
  });
}());
