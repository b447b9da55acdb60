// The dashboard's and the data screen's charts (Apache ECharts, vendored). The figures come in the page as
// JSON (json_script); the tables under the charts carry the same figures for readers without scripts. The data
// screen refreshes its figures from its JSON endpoint every few minutes, on the same origin.
(function () {
  "use strict";
  const RED = "#b71c1c";
  const PALETTE = [RED, "#455a64", "#c9a227", "#8d6e63", "#90a4ae", "#e57373"];
  const LEVELS = ["#b71c1c", "#e65100", "#c9a227", "#90a4ae"];

  function theme(dark) {
    const ink = dark ? "#e8edf3" : "#333";
    const line = dark ? "rgba(255,255,255,.12)" : "#e6e6e6";
    return {
      ink,
      line,
      base: {
        color: PALETTE,
        textStyle: { fontFamily: "inherit", color: ink, fontSize: dark ? 16 : 12 },
        animationDuration: 500,
        tooltip: { trigger: "axis", confine: true },
        legend: { top: 0, textStyle: { color: ink, fontSize: dark ? 16 : 12 } },
      },
    };
  }

  function percentAxis(t, max) {
    return {
      type: "value",
      min: 0,
      max: max || 100,
      axisLabel: { formatter: "{value}%", color: t.ink },
      splitLine: { lineStyle: { color: t.line } },
    };
  }

  function categoryAxis(t, names, rotate) {
    return {
      type: "category",
      data: names,
      axisLabel: { color: t.ink, interval: 0, rotate: rotate || 0 },
      axisLine: { lineStyle: { color: t.line } },
      axisTick: { show: false },
    };
  }

  function targetLine(data, dark) {
    return {
      silent: true,
      symbol: "none",
      label: { formatter: "{b} {c}%", position: "insideEndTop", color: dark ? "#ffcdd2" : RED },
      data: [
        { name: "目标", yAxis: data.target, lineStyle: { color: dark ? "#ffcdd2" : RED, type: "solid" } },
        { name: "预警", yAxis: data.warning, lineStyle: { color: "#e65100", type: "dashed" } },
      ],
    };
  }

  function trendOption(data, t, dark, group) {
    const g = data.trend[group || "total"];
    return Object.assign({}, t.base, {
      grid: { left: 48, right: 24, top: 40, bottom: 32 },
      xAxis: categoryAxis(t, data.months.map((m) => m.replace(/^\d{4}年/, ""))),
      yAxis: percentAxis(t),
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + "%") },
      series: [
        // 服务覆盖率 is never below 入户率 (a home visit is a service): dashed beneath, so equal lines both show
        { name: "服务覆盖率", type: "line", data: g.service, smooth: true, symbolSize: 6, z: 2,
          lineStyle: { width: 2, type: "dashed" }, itemStyle: { color: dark ? "#b0bec5" : "#455a64" } },
        { name: "入户率", type: "line", data: g.visit, smooth: true, symbolSize: 7, z: 3,
          lineStyle: { width: 3 }, itemStyle: { color: dark ? "#ef5350" : RED }, areaStyle: { opacity: 0.08 },
          markLine: targetLine(data, dark) },
      ],
    });
  }

  function rankingOption(data, t, dark, group) {
    const g = data.ranking[group || "total"];
    const bars = g.visit.map((v) => ({
      value: v,
      itemStyle: { color: v != null && v < data.warning ? "#e65100" : dark ? "#ef5350" : RED },
    }));
    return Object.assign({}, t.base, {
      grid: { left: 48, right: 24, top: 40, bottom: g.names.length > 8 ? 72 : 40 },
      xAxis: categoryAxis(t, g.names, g.names.length > 8 ? 40 : 0),
      yAxis: percentAxis(t),
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + "%") },
      series: [
        { name: "入户率", type: "bar", data: bars, barMaxWidth: 36, markLine: targetLine(data, dark),
          label: { show: g.names.length <= 12, position: "top", formatter: (p) => (p.value == null ? "" : p.value + "%"),
                   color: t.ink } },
        { name: "服务覆盖率", type: "bar", data: g.service, barMaxWidth: 36, itemStyle: { color: dark ? "#78909c" : "#90a4ae" } },
      ],
    });
  }

  function overdueOption(data, t) {
    return Object.assign({}, t.base, {
      color: LEVELS,
      grid: { left: 40, right: 16, top: 40, bottom: data.overdue.names.length > 8 ? 72 : 32 },
      xAxis: categoryAxis(t, data.overdue.names, data.overdue.names.length > 8 ? 40 : 0),
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: t.ink }, splitLine: { lineStyle: { color: t.line } } },
      series: data.overdue.levels.map((level) => ({ name: level.name, type: "bar", stack: "overdue", data: level.data,
                                                   barMaxWidth: 36 })),
    });
  }

  function visitsOption(data, t) {
    return Object.assign({}, t.base, {
      color: [RED, "#b0bec5"],
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: categoryAxis(t, data.months.map((m) => m.replace(/^\d{4}年/, ""))),
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: t.ink }, splitLine: { lineStyle: { color: t.line } } },
      series: [
        { name: "入户走访", type: "bar", stack: "visits", data: data.visits.home, barMaxWidth: 28 },
        { name: "其他走访", type: "bar", stack: "visits", data: data.visits.other, barMaxWidth: 28 },
      ],
    });
  }

  function categoriesOption(data, t) {
    const rows = data.categories.slice().sort((a, b) => a.value - b.value);
    return Object.assign({}, t.base, {
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1, axisLabel: { color: t.ink }, splitLine: { lineStyle: { color: t.line } } },
      yAxis: { type: "category", data: rows.map((r) => r.name), axisLabel: { color: t.ink }, axisTick: { show: false } },
      series: [{ name: "在册人数", type: "bar", data: rows.map((r) => r.value), barMaxWidth: 18,
                 label: { show: true, position: "right", color: t.ink } }],
    });
  }

  const charts = {};

  function draw(id, option) {
    const element = document.getElementById(id);
    if (!element) return null;
    if (!charts[id]) charts[id] = echarts.init(element, null, { renderer: "canvas" });
    charts[id].setOption(option, true);
    return charts[id];
  }

  function drawDashboard(data) {
    const t = theme(false);
    draw("chart-trend", trendOption(data, t, false));
    draw("chart-ranking", rankingOption(data, t, false));
    draw("chart-overdue", overdueOption(data, t));
    draw("chart-visits", visitsOption(data, t));
    const categories = document.getElementById("chart-categories");
    if (categories) {
      categories.style.height = Math.max(160, data.categories.length * 28 + 24) + "px";
      draw("chart-categories", categoriesOption(data, t));
    }
    document.querySelectorAll("#rank-groups button").forEach((button) => {
      button.addEventListener("click", () => {
        document.querySelectorAll("#rank-groups button").forEach((b) => b.setAttribute("aria-pressed", "false"));
        button.setAttribute("aria-pressed", "true");
        draw("chart-ranking", rankingOption(data, t, false, button.dataset.group));
      });
    });
  }

  function text(id, value) {
    const element = document.getElementById(id);
    if (element) element.textContent = value == null ? "—" : value;
  }

  function drawScreen(data) {
    const t = theme(true);
    const h = data.headline;
    text("s-registered", h.registered);
    text("s-visit-rate", h.visit_rate == null ? "—" : h.visit_rate + "%");
    text("s-service-rate", h.service_rate == null ? "—" : h.service_rate + "%");
    text("s-overdue", h.overdue);
    text("s-visits", h.visits);
    text("s-stations", h.stations);
    text("s-points", h.points);
    text("s-staff", h.staff);
    text("s-updated", data.updated);
    draw("chart-trend", trendOption(data, t, true));
    draw("chart-ranking", rankingOption(data, t, true));
    draw("chart-visits", visitsOption(data, t));
    draw("chart-overdue", overdueOption(data, t));
    const list = document.getElementById("s-stations-list");
    if (list && data.stations.length) {
      list.replaceChildren(...data.stations.map((row) => {
        const item = document.createElement("li");
        const name = document.createElement("span");
        name.textContent = row.name;
        const counts = document.createElement("b");
        counts.textContent = row.stations + "站 · " + row.points + "点";
        item.append(name, counts);
        return item;
      }));
    }
  }

  function start() {
    if (typeof echarts === "undefined") return;
    const dashboard = document.getElementById("dashboard-data");
    if (dashboard) drawDashboard(JSON.parse(dashboard.textContent));
    const screen = document.getElementById("screen-data");
    if (screen) {
      drawScreen(JSON.parse(screen.textContent));
      const page = document.getElementById("screen");
      const every = Number(page.dataset.refresh || 300000);
      const url = page.dataset.url;
      setInterval(() => {
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
          .then(drawScreen)
          .catch(() => text("s-updated", "刷新失败，稍后重试"));
      }, every);
    }
    window.addEventListener("resize", () => Object.values(charts).forEach((chart) => chart.resize()));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
