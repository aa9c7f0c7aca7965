// Similar-idea hints while an author types a title. The form works without this script.
(function () {
  "use strict";
  var box = document.getElementById("similar-ideas");
  var title = document.getElementById("title");
  if (!box || !title || !window.fetch) {
    return;
  }
  var list = box.querySelector(".ww-similar__list");
  var timer = null;
  var lastQuery = "";

  function show(ideas) {
    list.textContent = "";
    ideas.forEach(function (idea) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "kern-link";
      link.href = idea.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "#" + idea.id + " " + idea.title;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" (" + idea.state + ")"));
      list.appendChild(item);
    });
    box.hidden = ideas.length === 0;
  }

  function lookUp() {
    var query = title.value.trim();
    if (query === lastQuery) {
      return;
    }
    lastQuery = query;
    if (query.length < 4) {
      show([]);
      return;
    }
    var url = new URL(box.dataset.similarUrl, window.location.href);
    url.searchParams.set("title", query);
    if (box.dataset.exclude) {
      url.searchParams.set("exclude", box.dataset.exclude);
    }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (ideas) { if (query === lastQuery) { show(ideas); } })
      .catch(function () { show([]); });
  }

  title.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 300);
  });
  lookUp();
})();
