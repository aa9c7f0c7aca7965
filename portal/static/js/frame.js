// The frame of every page: closes the folded menu with Escape or a click elsewhere, folds list
// filters on small screens and marks tables that scroll sideways. Every page works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("ww-js");
  var narrow = window.matchMedia("(max-width: 47.99em)");

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  function closeMenus(except) {
    document.querySelectorAll("details.ww-menu[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.open = false;
      }
    });
  }

  function watchMenus() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      var menu = document.querySelector("details.ww-menu[open]");
      if (menu) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      closeMenus(event.target.closest ? event.target.closest("details.ww-menu") : null);
    });
    narrow.addEventListener("change", function () {
      closeMenus(null);
    });
  }

  function foldFilters() {
    if (!narrow.matches) {
      return;
    }
    document.querySelectorAll("details[data-ww-fold]").forEach(function (box) {
      if (!box.hasAttribute("data-ww-active")) {
        box.open = false;
      }
    });
  }

  function wrapProseTables() {
    var label = document.body.getAttribute("data-ww-table-label") || "";
    document.querySelectorAll(".ww-prose table").forEach(function (table) {
      if (table.parentElement.classList.contains("ww-table-scroll")) {
        return;
      }
      var box = document.createElement("div");
      box.className = "ww-table-scroll";
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      var header = table.querySelector("th");
      box.setAttribute("aria-label", header ? label + ": " + header.textContent.trim() : label);
      table.classList.add("ww-prose-table");
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  function markOverflow() {
    document.querySelectorAll(".ww-table-scroll").forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1;
      var hint = box.previousElementSibling;
      box.classList.toggle("ww-table-scroll--overflows", overflows);
      if (hint && hint.classList.contains("ww-table-scroll__hint")) {
        hint.classList.toggle("ww-table-scroll__hint--shown", overflows);
      }
    });
  }

  ready(function () {
    watchMenus();
    foldFilters();
    wrapProseTables();
    markOverflow();
    window.addEventListener("resize", markOverflow);
  });
})();
