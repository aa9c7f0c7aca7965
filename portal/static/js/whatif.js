// What-if on the ranking page: the order under other weights, updated as the weights move.
// The panel is a form that works without this script; the script adds sliders beside the
// number fields, asks the portal for the order (JSON) and shows it without reloading.
(function () {
  "use strict";
  var form = document.querySelector("form[data-what-if-url]");
  if (!form || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var result = document.getElementById("what-if-result");
  var table = document.getElementById("what-if-table");
  var body = table.querySelector("tbody");
  var scoreHeader = table.querySelectorAll("thead th")[2];
  var status = document.getElementById("what-if-status");
  var timer = null;
  var asked = 0;
  // German writes decimals with a comma; the portal reads both.
  var comma = document.documentElement.lang === "de";

  function written(value) {
    return comma ? String(value).replace(".", ",") : String(value);
  }

  function fields() {
    return Array.prototype.slice.call(form.querySelectorAll("input[data-published]"));
  }

  function cell(tag, text, numeric) {
    var element = document.createElement(tag);
    element.className = tag === "th" ? "kern-table__header" : "kern-table__cell";
    if (numeric) {
      element.className += " kern-table__cell--numeric";
    }
    if (text !== null) {
      element.textContent = text;
    }
    return element;
  }

  function change(value) {
    if (value > 0) {
      return "\u25B2 " + value;
    }
    return value < 0 ? "\u25BC " + -value : "\u2013";
  }

  function show(answer) {
    body.textContent = "";
    answer.ideas.forEach(function (idea) {
      var row = document.createElement("tr");
      row.className = "kern-table__row";
      row.appendChild(cell("td", String(idea.rank), true));
      var title = cell("th", null, false);
      title.scope = "row";
      var link = document.createElement("a");
      link.className = "kern-link";
      link.href = idea.url;
      link.textContent = idea.title;
      title.appendChild(link);
      row.appendChild(title);
      row.appendChild(cell("td", idea.points, true));
      row.appendChild(cell("td", String(idea.published_rank), true));
      row.appendChild(cell("td", change(idea.change), true));
      body.appendChild(row);
    });
    scoreHeader.textContent = answer.method === "topsis" ? result.dataset.closeness : result.dataset.points;
    status.textContent = answer.summary;
    result.hidden = false;
  }

  function marked(problems) {
    fields().forEach(function (field) {
      var wrong = Object.prototype.hasOwnProperty.call(problems, field.name);
      field.classList.toggle("kern-form-input__input--error", wrong);
      if (wrong) {
        field.setAttribute("aria-invalid", "true");
      } else {
        field.removeAttribute("aria-invalid");
      }
    });
  }

  function ask() {
    var number = ++asked;
    var query = new URLSearchParams(new FormData(form));
    var url = new URL(form.dataset.whatIfUrl, window.location.href);
    url.search = query.toString();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (number !== asked) {
          return;
        }
        marked(answer.problems || {});
        if (answer.error) {
          status.textContent = answer.error;
          return;
        }
        show(answer);
      })
      .catch(function () { /* The button still sends the form. */ });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 120);
  }

  fields().forEach(function (field) {
    var range = document.getElementById("r" + field.name.slice(1));
    if (range) {
      range.hidden = false;
      range.addEventListener("input", function () {
        field.value = written(range.value);
        soon();
      });
      field.addEventListener("input", function () {
        var value = parseFloat(field.value.replace(",", "."));
        if (isFinite(value)) {
          range.value = String(value);
        }
      });
    }
    field.addEventListener("input", soon);
  });
  form.querySelector("select[name=method]").addEventListener("change", soon);

  var reset = form.querySelector(".ww-whatif__reset");
  reset.addEventListener("click", function (event) {
    event.preventDefault();
    fields().forEach(function (field) {
      field.value = written(field.dataset.published.replace(/\.0$/, ""));
      var range = document.getElementById("r" + field.name.slice(1));
      if (range) {
        range.value = field.dataset.published;
      }
    });
    ask();
  });
})();
