/* The service map (maps/ pages): Leaflet with clustering, configured by the page's #map-config.
 * Households come from the station's JSON ([id, lat, lng, level, state]); a tap fetches the household's card.
 * With no tile service configured the map draws its points on a plain background with village labels and a
 * scale bar, and asks no other server for anything. No inline handlers: everything is bound here. */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  var STATE_LABEL = ["", "7天内到期", "已逾期"];

  function householdIcon(level, state) {
    return L.divIcon({
      className: "hh-marker",
      html: '<span class="hh l' + level + " s" + state + '"></span>',
      iconSize: [26, 26],
      iconAnchor: [13, 13]
    });
  }

  function siteIcon(kind) {
    // A site sits at the mean of the households it serves, where their cluster gathers, and a station of one
    // point where its point sits: the station is drawn just above and left of its place, a point above and
    // right, clear of a cluster (radius 20 px) and of each other.
    var point = kind === "p";
    return L.divIcon({
      className: "site-marker",
      html: '<span class="site-mark ' + (point ? "point" : "station") + '">' + (point ? "点" : "站") + "</span>",
      iconSize: [28, 28],
      iconAnchor: point ? [-2, 50] : [30, 50]
    });
  }

  function clusterIcon(cluster) {
    var children = cluster.getAllChildMarkers();
    var overdue = 0;
    for (var i = 0; i < children.length; i++) {
      if (children[i].options.state === 2) overdue++;
    }
    var size = children.length < 10 ? "small" : children.length < 100 ? "medium" : "large";
    return L.divIcon({
      html: "<div><span>" + children.length + "</span></div>",
      className: "marker-cluster marker-cluster-" + size + (overdue ? " has-overdue" : ""),
      iconSize: L.point(40, 40)
    });
  }

  function start() {
    var box = document.getElementById("map");
    var config = readJson("map-config");
    if (!box || !config || typeof L === "undefined") return;
    var status = document.getElementById("map-status");
    var printing = !!config.print;
    var map = L.map(box, {
      zoomControl: !printing,
      attributionControl: !!config.tiles,
      zoomSnap: config.cluster ? 1 : 0.25,  // a map without clusters (region, paper) fits its points closely
      maxZoom: config.tiles ? config.tiles.maxZoom : 19
    });
    if (config.tiles) {
      var options = { attribution: config.tiles.attribution, maxZoom: config.tiles.maxZoom };
      if (config.tiles.subdomains) options.subdomains = config.tiles.subdomains;
      L.tileLayer(config.tiles.url, options).addTo(map);
      map.attributionControl.setPrefix(false);
    } else {
      box.classList.add("plain");
    }
    L.control.scale({ imperial: false }).addTo(map);
    // Village labels, then stations and points, lie under the households and clusters (markerPane, 600): the
    // sites sit at the mean of the households they serve, just where a village's cluster gathers, and must not
    // hide its count.
    map.createPane("labels").style.zIndex = 450;
    map.createPane("sites").style.zIndex = 550;

    var bounds = L.latLngBounds([]);

    function showCard(id) {
      var panel = document.getElementById("map-card");
      if (!panel || !config.card) return;
      panel.hidden = false;
      panel.innerHTML = '<p class="muted">正在加载……</p>';
      fetch(config.card.replace("/0/", "/" + id + "/"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) { panel.innerHTML = html; })
        .catch(function () { panel.innerHTML = '<p class="error">未能加载此户的信息，请稍后再试。</p>'; });
    }

    document.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest(".map-card-close")) {
        var panel = document.getElementById("map-card");
        if (panel) { panel.hidden = true; panel.innerHTML = ""; }
      }
      if (event.target.closest && event.target.closest("[data-print]")) window.print();
    });

    function fit() {
      if (bounds.isValid()) {
        // room above for the sites, drawn above their places
        map.fitBounds(bounds, { paddingTopLeft: [36, 60], paddingBottomRight: [36, 24], maxZoom: 16 });
      } else {
        map.setView([23.0, 113.3], 7);
      }
    }

    function draw(data) {
      var layer = config.cluster
        ? L.markerClusterGroup({
            maxClusterRadius: 40,
            disableClusteringAtZoom: 17,
            showCoverageOnHover: false,
            chunkedLoading: true,
            iconCreateFunction: clusterIcon
          })
        : L.layerGroup();
      var households = data.h || [];
      var markers = households.map(function (row) {
        var marker = L.marker([row[1], row[2]], {
          icon: householdIcon(row[3], row[4]),
          state: row[4],
          keyboard: true,
          title: (data.levels[row[3]] || "") + (STATE_LABEL[row[4]] ? " · " + STATE_LABEL[row[4]] : "")
        });
        marker.on("click", function () {
          showCard(row[0]);
          if (window.innerWidth <= 700) {
            // on a phone the card rises from the bottom: bring the household into the upper part of the map
            var size = map.getSize();
            var at = map.latLngToContainerPoint(marker.getLatLng());
            map.panBy([at.x - size.x / 2, at.y - size.y * 0.25]);
          }
        });
        bounds.extend([row[1], row[2]]);
        return marker;
      });
      function fill(onlyDue) {
        layer.clearLayers();
        var shown = onlyDue ? markers.filter(function (m) { return m.options.state > 0; }) : markers;
        if (layer.addLayers) layer.addLayers(shown); else shown.forEach(function (m) { layer.addLayer(m); });
      }
      fill(false);
      map.addLayer(layer);
      var onlyDue = document.getElementById("map-only-due");
      if (onlyDue) {
        onlyDue.addEventListener("change", function () { fill(onlyDue.checked); });
      }
      (data.villages || []).forEach(function (row) {
        L.marker([row[1], row[2]], {
          icon: L.divIcon({ className: "village-label", html: "<span>" + esc(row[0]) + "</span>", iconSize: null }),
          interactive: false,
          keyboard: false,
          pane: "labels"
        }).addTo(map);
      });
      var stations = (data.sites || []).filter(function (row) { return row[0] === "s"; }).length;
      (data.sites || []).forEach(function (row) {
        // station map: [kind, name, lat, lng]; region map: [kind, station id, name, town, lat, lng]
        var region = row.length === 6;
        var name = region ? row[2] : row[1];
        var lat = region ? row[4] : row[2];
        var lng = region ? row[5] : row[3];
        var marker = L.marker([lat, lng], { icon: siteIcon(row[0]), title: name, pane: "sites" }).addTo(map);
        // a region's stations are named on the map by their town (a county's score or so; a city's or a
        // province's would hide each other, and are named on a tap); points, many and of like names, on a tap
        var named = region && row[0] === "s" && stations <= 25;
        marker.bindTooltip(esc(named ? row[3] : name), {
          permanent: named,
          direction: row[0] === "p" ? "right" : "left",
          offset: row[0] === "p" ? [28, -36] : [-28, -36],
          className: "site-tip"
        });
        bounds.extend([lat, lng]);
      });
      fit();
      if (printing) {
        // the page is laid out again for paper: fit the map to its printed size
        window.addEventListener("beforeprint", function () { map.invalidateSize(); fit(); });
      }
      if (status && data.h) {
        var overdue = households.filter(function (row) { return row[4] === 2; }).length;
        status.textContent = households.length
          ? "已定位" + households.length + "户，其中已逾期" + overdue + "户" +
            (data.unplaced ? "；另有" + data.unplaced + "户尚未定位（在户的资料中“使用当前位置”，或入户走访时记录位置）" : "") + "。"
          : "本站尚无定位的户：在户的资料中“使用当前位置”，或入户走访时记录位置，户即显示在地图上。";
      }
      box.setAttribute("data-ready", "1");
    }

    var inline = readJson("map-data");
    if (inline) {
      draw(inline);
    } else if (config.data) {
      fetch(config.data, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(draw)
        .catch(function () { if (status) status.textContent = "地图数据加载失败，请刷新重试。"; });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
