// Draws the dashboard's charts with plotly.js from the JSON data blocks beside them. The page
// is complete without it: each chart's numbers are in the table under it.
(function () {
  "use strict";
  if (!window.Plotly) {
    return;
  }
  // Below this width, long labels on the side of horizontal bars and heat maps (idea titles)
  // would leave no room for the bars: they are shortened, and the table under each chart names
  // every idea in full (so does the hover label).
  var NARROW = 600;
  var LONGEST = 18;

  function shortenLabels(traces, layout) {
    var labels = [];
    traces.forEach(function (trace) {
      if (trace.orientation === "h" || trace.type === "heatmap") {
        (trace.y || []).forEach(function (label) {
          if (labels.indexOf(label) < 0) {
            labels.push(label);
          }
        });
      }
    });
    if (!labels.length) {
      return;
    }
    layout.yaxis = layout.yaxis || {};
    layout.yaxis.tickmode = "array";
    layout.yaxis.tickvals = labels;
    layout.yaxis.ticktext = labels.map(function (label) {
      var text = String(label);
      return text.length > LONGEST ? text.slice(0, LONGEST - 1) + "…" : text;
    });
  }

  document.querySelectorAll("[data-ww-chart]").forEach(function (target) {
    var block = document.getElementById(target.getAttribute("data-ww-chart"));
    if (!block) {
      return;
    }
    var figure = JSON.parse(block.textContent);
    var layout = figure.layout || {};
    // The page's heading names the chart; the figure's own title would repeat it.
    layout.title = undefined;
    layout.autosize = true;
    delete layout.width;
    // plotly.js sizes its layers inside this box; without a height of its own the legend and
    // axis titles would spill over the table below.
    target.style.height = (layout.height || 420) + "px";
    if (target.clientWidth < NARROW) {
      shortenLabels(figure.data || [], layout);
    }
    window.Plotly.newPlot(target, figure.data || [], layout, {
      responsive: true,
      displaylogo: false,
      displayModeBar: false,
    }).then(function () {
      target.classList.add("ww-chart__figure--drawn");
    });
  });
})();
