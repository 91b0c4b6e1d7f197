/* The asset register map: an enhancement over the table, which lists the same assets.
   List mode fetches GeoJSON for the visible area and zoom with the page's filters: single
   assets (clustered here) when a few hundred or fewer are in view, else the server's
   clusters (a count per grid cell), so the whole register shows at any zoom; selecting a
   cluster zooms to it. Detail mode shows one asset. No inline styles or scripts: the CSP
   forbids them. */
(function () {
  "use strict";

  var TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

  function baseMap(element, center, zoom) {
    // No fading or animated clusters: text and markers caught mid-animation are faint or
    // overlapping, for people and for the accessibility checks alike.
    var map = L.map(element, {
      center: center, zoom: zoom, scrollWheelZoom: false, fadeAnimation: false
    });
    L.tileLayer(TILES, { attribution: ATTRIBUTION, maxZoom: 19 }).addTo(map);
    return map;
  }

  // Availability (the stored code) -> marker modifier: shape and colour together, so
  // markers are told apart without relying on colour (the page's key shows each one).
  var MARKERS = {
    available: "available",
    under_discussion: "under-discussion",
    in_use: "in-use",
    not_available: "not-available"
  };

  // `selectable` markers open a popup and are buttons in the tab order; the detail page's
  // marker is a picture of where the asset is.
  function assetMarker(position, code, label, selectable) {
    var shape = document.createElement("span");
    shape.className = "diz-marker diz-marker--" + (MARKERS[code] || "unknown");
    shape.setAttribute("aria-hidden", "true");
    var marker = L.marker(position, {
      icon: L.divIcon({ html: shape, className: "diz-marker-icon", iconSize: L.point(26, 26) }),
      title: label,
      keyboard: selectable
    });
    // Leaflet names the marker by its title only; say it to screen readers too, each time
    // the marker (re)enters the map (markercluster adds and removes markers as you zoom).
    marker.on("add", function () {
      var element = marker.getElement();
      if (!element) { return; }
      element.setAttribute("aria-label", label);
      if (!selectable) { element.setAttribute("role", "img"); }
    });
    return marker;
  }

  function popupContent(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.className = "govuk-link";
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
    if (properties.position_note) {  // the position is rounded for this visitor
      var note = document.createElement("p");
      note.textContent = properties.position_note;
      box.appendChild(note);
    }
    return box;
  }

  function sizeClass(count) {
    // markercluster's own styles, so server and browser clusters look alike
    if (count < 100) { return "marker-cluster marker-cluster-small"; }
    if (count < 1000) { return "marker-cluster marker-cluster-medium"; }
    return "marker-cluster marker-cluster-large";
  }

  function cellMarker(map, feature) {
    var c = feature.geometry.coordinates;  // GeoJSON order: [longitude, latitude]
    var count = feature.properties.count;
    var label = count.toLocaleString("en-GB");
    var marker = L.marker([c[1], c[0]], {
      icon: L.divIcon({
        html: "<div><span>" + label + "</span></div>",
        className: sizeClass(count),
        iconSize: L.point(40, 40)
      }),
      title: label + " assets: select to zoom in"
    });
    var b = feature.properties.bbox;  // [west, south, east, north]
    marker.on("click", function () {
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    });
    return marker;
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
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, animate: false });
    map.addLayer(cluster);
    var cells = L.layerGroup().addTo(map);
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
      params.set("zoom", map.getZoom());
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
          cells.clearLayers();
          var total = data.total.toLocaleString("en-GB");
          if (data.clustered) {
            data.features.forEach(function (feature) {
              cells.addLayer(cellMarker(map, feature));
            });
            status.textContent = "About " + total + " assets in this area of the map, " +
              "shown in groups: select a group to zoom in, or use the table.";
            return;
          }
          var markers = data.features.map(function (feature) {
            var c = feature.geometry.coordinates;  // GeoJSON order: [longitude, latitude]
            var p = feature.properties;
            var marker = assetMarker([c[1], c[0]], p.availability_code,
              p.name + " (" + p.reference + "): " + p.availability, true);
            marker.bindPopup(popupContent(feature.properties));
            return marker;
          });
          cluster.addLayers(markers);
          status.textContent = total + (data.total === 1 ? " asset" : " assets") +
            " in this area of the map.";
          if (!fitted && markers.length) {
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
    assetMarker(position, element.dataset.availability, element.dataset.label, false).addTo(map);
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
