// Draws the dashboard's charts with plotly.js from the JSON data blocks beside them. The page
// is complete without it: each chart's numbers are in the table under it.
(function () {
  "use strict";
  if (!window.Plotly) {
    return;
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
    window.Plotly.newPlot(target, figure.data || [], layout, {
      responsive: true,
      displaylogo: false,
      displayModeBar: false,
    }).then(function () {
      target.classList.add("ww-chart__figure--drawn");
    });
  });
})();
