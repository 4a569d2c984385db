/* Draw every book chart on the page from its embedded Vega-Lite spec.
   Loaded (deferred) after the offline Vega bundle, so window.vegaEmbed exists. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".book-chart").forEach(function (figure) {
    var spec = JSON.parse(figure.querySelector(".book-chart-spec").textContent);
    var view = figure.querySelector(".book-chart-view");
    var started = performance.now();
    window
      .vegaEmbed(view, spec, {
        renderer: "svg",
        // Export only: the editor and source links would leave the site.
        actions: { export: true, source: false, compiled: false, editor: false },
      })
      .then(function () {
        figure.setAttribute("data-render-ms", Math.round(performance.now() - started));
        figure.setAttribute("data-rendered", "true");
      })
      .catch(function (error) {
        figure.setAttribute("data-rendered", "failed");
        console.error("Chart " + figure.id + " failed to render: " + error);
      });
  });
});
