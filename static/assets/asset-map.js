/* The asset register map: an enhancement over the table, which lists the same assets.
   List mode fetches GeoJSON for the visible area with the page's filters and clusters it;
   detail mode shows one asset. No inline styles or scripts: the CSP forbids them. */
(function () {
  "use strict";

  var TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

  function baseMap(element, center, zoom) {
    var map = L.map(element, { center: center, zoom: zoom, scrollWheelZoom: false });
    L.tileLayer(TILES, { attribution: ATTRIBUTION, maxZoom: 19 }).addTo(map);
    return map;
  }

  function popupContent(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    var title = document.createElement("p");
    title.appendChild(link);
    box.appendChild(title);
    var meta = document.createElement("p");
    meta.textContent = properties.reference + " · " + properties.asset_type + " · " +
      properties.availability + (properties.partners_only ? " · Partners only" : "");
    box.appendChild(meta);
    var owner = document.createElement("p");
    owner.textContent = properties.owner;
    box.appendChild(owner);
    return box;
  }

  function listMap(element) {
    var section = element.closest("[data-map-section]");
    var status = document.getElementById("map-status");
    section.hidden = false;
    var map = baseMap(
      element,
      [parseFloat(element.dataset.centerLat), parseFloat(element.dataset.centerLon)],
      parseInt(element.dataset.zoom, 10)
    );
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
    map.addLayer(cluster);
    var pending = null;
    var fitted = false;

    function load() {
      var params = new URLSearchParams(window.location.search);
      params.delete("page");
      var bounds = map.getBounds();
      params.set("bbox", [
        bounds.getWest().toFixed(6), bounds.getSouth().toFixed(6),
        bounds.getEast().toFixed(6), bounds.getNorth().toFixed(6)
      ].join(","));
      if (pending) { pending.abort(); }
      pending = new AbortController();
      status.textContent = "Loading assets for this area…";
      fetch(element.dataset.geojsonUrl + "?" + params.toString(), {
        signal: pending.signal, headers: { Accept: "application/geo+json" }
      })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          cluster.clearLayers();
          var markers = data.features.map(function (feature) {
            var c = feature.geometry.coordinates;  // GeoJSON order: [longitude, latitude]
            var marker = L.marker([c[1], c[0]], {
              alt: feature.properties.reference + " " + feature.properties.name,
              title: feature.properties.name
            });
            marker.bindPopup(popupContent(feature.properties));
            return marker;
          });
          cluster.addLayers(markers);
          if (data.truncated) {
            status.textContent = "The map shows " + data.returned.toLocaleString("en-GB") +
              " of the " + data.total.toLocaleString("en-GB") +
              " assets in this area. Zoom in to see the rest, or use the table.";
          } else {
            status.textContent = data.total.toLocaleString("en-GB") +
              (data.total === 1 ? " asset" : " assets") + " in this area of the map.";
          }
          if (!fitted && markers.length && !data.truncated) {
            fitted = true;
            var group = L.featureGroup(markers);
            map.fitBounds(group.getBounds().pad(0.1), { maxZoom: 15 });
          }
        })
        .catch(function (error) {
          if (error.name === "AbortError") { return; }
          status.textContent = "The map could not load assets just now; the table lists them.";
        });
    }

    map.on("moveend", load);
    load();
  }

  function detailMap(element) {
    element.hidden = false;
    var position = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)];
    var map = baseMap(element, position, 16);
    L.marker(position, { alt: element.dataset.label, title: element.dataset.label, keyboard: false }).addTo(map);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("asset-map");
    if (!element || typeof L === "undefined") { return; }
    if (element.dataset.mode === "detail") {
      detailMap(element);
    } else {
      listMap(element);
    }
  });
})();
