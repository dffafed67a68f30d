/* Draws the impact pages' charts with the vendored Apache ECharts (SVG, so they stay sharp on
   a projector and light on a cheap phone). Each chart box names its data (`data-chart="key"`) in
   the page's JSON (`#impact-charts`, written by Django's json_script); the same numbers are in
   the table beside it, so without JavaScript nothing is lost. No eval, no inline script. */
(function () {
  "use strict";
  var source = document.getElementById("impact-charts");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var zh = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  var locale = zh ? "zh-CN" : "en";
  var palette = ["#1b6e3a", "#b3261e", "#1f5fa8", "#8a5a00", "#6b3fa0"];
  var charts = [];

  function money(value) {
    return "¥" + Number(value).toLocaleString(locale, { maximumFractionDigits: 0 });
  }

  function count(value) {
    return Number(value).toLocaleString(locale);
  }

  function big(box) {
    return box.clientWidth >= 700;
  }

  function option(spec, box) {
    var format = spec.money ? money : count;
    var size = big(box) ? 18 : 13;
    var horizontal = spec.kind === "hbar";
    var categoryAxis = {
      type: "category",
      data: spec.labels,
      axisLabel: { fontSize: size, hideOverlap: true },
      inverse: horizontal
    };
    var valueAxis = {
      type: "value",
      minInterval: spec.money ? 0 : 1,
      axisLabel: {
        fontSize: size,
        hideOverlap: true,
        formatter: function (value) {
          return spec.money ? money(value) : count(value);
        }
      }
    };
    return {
      animation: false,
      color: palette,
      textStyle: { fontSize: size },
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 40 : 16, bottom: 8, containLabel: true },
      legend: spec.series.length > 1 ? { top: 0, textStyle: { fontSize: size } } : { show: false },
      tooltip: { trigger: "axis", valueFormatter: format },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: spec.series.map(function (line) {
        return {
          name: line.name,
          type: spec.kind === "line" ? "line" : "bar",
          data: line.values.map(Number),
          showSymbol: spec.labels.length <= 40,
          lineStyle: { width: big(box) ? 4 : 2 }
        };
      })
    };
  }

  function draw(box) {
    var spec = data[box.getAttribute("data-chart")];
    if (!spec || !spec.labels || spec.labels.length === 0) {
      return;
    }
    box.classList.add("impact-chart--on");
    if (spec.kind === "hbar") {
      // A bar per place: tall enough that every name shows.
      box.style.height = Math.max(240, spec.labels.length * 32 + 48) + "px";
    }
    var chart = window.echarts.init(box, null, { renderer: "svg", locale: zh ? "ZH" : "EN" });
    chart.setOption(option(spec, box));
    charts.push({ chart: chart, spec: spec, box: box });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (drawn) {
        drawn.chart.setOption(option(drawn.spec, drawn.box));
        drawn.chart.resize();
      });
    }, 150);
  });
})();
