/* The asset register map: an enhancement over the table, which lists the same assets.
   List mode fetches GeoJSON for the visible area and zoom with the page's filters: single
   assets (clustered here) when a few hundred or fewer are in view, else the server's
   clusters (a count per grid cell), so the whole register shows at any zoom; selecting a
   cluster zooms to it. Assets can be gathered from the map (popups, the view, a box drawn)
   into one enquiry; the table's checkboxes do the same without JavaScript. Detail mode
   shows one asset. No inline styles or scripts: the CSP forbids them. */
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

  // `extra`: the selection's button for this asset, on the list page's map.
  function popupContent(properties, extra) {
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
    if (extra) { box.appendChild(extra); }
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

  // --- the selection: assets gathered on the map (and in the table) for one enquiry ---
  // Kept in sessionStorage, so it outlives moving the map, paging and filtering in this tab,
  // and sent as the basket's own link (assets:basket, ?asset=REF&asset=REF…), which checks
  // every reference again: partners-only assets never enter a basket for people who can't
  // see them. `max` is the basket's limit (BASKET_MAX_ASSETS), so the map never gathers
  // more than the basket would take.
  var STORE_KEY = "diz-asset-selection";

  function plural(count, one, many) {
    return count.toLocaleString("en-GB") + " " + (count === 1 ? one : many);
  }

  function createSelection(box, table) {
    var max = parseInt(box.dataset.basketMax, 10) || 50;
    var panel = box.querySelector("[data-selection-panel]");
    var count = box.querySelector("[data-selection-count]");
    var ask = box.querySelector("[data-selection-ask]");
    var message = box.querySelector("[data-selection-message]");
    var listeners = [];
    var references = stored();
    var full = "You can ask about up to " + max + " assets in one enquiry. Remove some, " +
      "or send this enquiry first.";

    function stored() {
      try {
        var value = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "[]");
        if (Array.isArray(value)) {
          return value.filter(function (reference) {
            return typeof reference === "string" && reference.length > 0 && reference.length <= 40;
          }).slice(0, max);
        }
      } catch (error) { /* storage turned off or unreadable: start empty */ }
      return [];
    }

    function has(reference) { return references.indexOf(reference) !== -1; }

    function say(text) { message.textContent = text; }

    function render() {
      var n = references.length;
      panel.hidden = n === 0;
      count.textContent = plural(n, "asset", "assets") + " selected";
      ask.textContent = "Ask about " + plural(n, "selected asset", "selected assets");
      var params = new URLSearchParams();
      references.forEach(function (reference) { params.append("asset", reference); });
      ask.href = box.dataset.basketUrl + (n ? "?" + params.toString() : "");
      if (table) {
        table.querySelectorAll('input[name="asset"]').forEach(function (input) {
          input.checked = has(input.value);
        });
      }
    }

    function changed() {
      try {
        window.sessionStorage.setItem(STORE_KEY, JSON.stringify(references));
      } catch (error) { /* storage turned off: the selection lasts as long as the page */ }
      render();
      listeners.forEach(function (listener) { listener(); });
    }

    // Adds what fits under the limit; says how many were added and how many did not fit.
    function addAll(list) {
      var added = 0;
      var skipped = 0;
      list.forEach(function (reference) {
        if (has(reference)) { return; }
        if (references.length >= max) { skipped += 1; return; }
        references.push(reference);
        added += 1;
      });
      if (added) { changed(); }
      return { added: added, skipped: skipped };
    }

    function remove(reference) {
      references = references.filter(function (other) { return other !== reference; });
      changed();
    }

    // The popup's button: its words say what selecting it does (no aria-pressed: a toggle's
    // name must not change with its state, and "Remove from enquiry" is the clearer one).
    function button(reference, name) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
      element.dataset.selectReference = reference;
      var words = document.createElement("span");
      var about = document.createElement("span");
      about.className = "govuk-visually-hidden";
      about.textContent = ": " + name + " (" + reference + ")";
      element.appendChild(words);
      element.appendChild(about);
      element.addEventListener("click", function () {
        if (has(reference)) {
          remove(reference);
          say("Removed " + name + " (" + reference + ") from your enquiry.");
        } else if (addAll([reference]).added) {
          say("Added " + name + " (" + reference + ") to your enquiry.");
        } else {
          say(full);
        }
      });
      update(element);
      return element;
    }

    function update(element) {
      element.firstChild.textContent = has(element.dataset.selectReference) ?
        "Remove from enquiry" : "Add to enquiry";
    }

    box.querySelector("[data-selection-clear]").addEventListener("click", function () {
      references = [];
      changed();
      say("Selection cleared.");
    });

    // The table's checkboxes follow the selection both ways, and its "Ask about selected
    // assets" sends the whole selection, ticked on other pages too.
    if (table) {
      table.addEventListener("change", function (event) {
        var input = event.target;
        if (input.name !== "asset") { return; }
        if (!input.checked) {
          remove(input.value);
        } else if (!has(input.value) && !addAll([input.value]).added) {
          input.checked = false;
          say(full);
        }
      });
      var form = table.closest("form");
      if (form) {
        form.addEventListener("submit", function () {
          var here = {};
          form.querySelectorAll('input[name="asset"]').forEach(function (input) {
            here[input.value] = true;
          });
          references.forEach(function (reference) {
            if (here[reference]) { return; }
            var hidden = document.createElement("input");
            hidden.type = "hidden";
            hidden.name = "asset";
            hidden.value = reference;
            form.appendChild(hidden);
          });
        });
      }
    }

    render();
    return {
      has: has,
      addAll: addAll,
      button: button,
      update: update,
      say: say,
      max: max,
      full: full,
      onChange: function (listener) { listeners.push(listener); }
    };
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
    var selection = createSelection(
      section.querySelector("#map-selection"), document.getElementById("asset-table")
    );
    var markers = [];

    // The page's filters (not its page number) with an area of the map.
    function mapData(bounds, signal) {
      var params = new URLSearchParams(window.location.search);
      params.delete("page");
      params.set("bbox", [
        bounds.getWest().toFixed(6), bounds.getSouth().toFixed(6),
        bounds.getEast().toFixed(6), bounds.getNorth().toFixed(6)
      ].join(","));
      params.set("zoom", map.getZoom());
      return fetch(element.dataset.geojsonUrl + "?" + params.toString(), {
        signal: signal, headers: { Accept: "application/geo+json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
    }

    // A selected marker gets a ring and says so; the key's shapes stay as they are.
    function markSelected(marker) {
      var icon = marker.getElement();
      if (!icon) { return; }
      var selected = selection.has(marker.options.reference);
      icon.classList.toggle("diz-marker-icon--selected", selected);
      icon.setAttribute("aria-label",
        marker.options.label + (selected ? " (selected for your enquiry)" : ""));
    }

    selection.onChange(function () {
      markers.forEach(markSelected);
      element.querySelectorAll("[data-select-reference]").forEach(selection.update);
    });
    map.on("popupopen", function (event) {
      event.popup.getElement().querySelectorAll("[data-select-reference]")
        .forEach(selection.update);
    });

    function load() {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      status.textContent = "Loading assets for this area…";
      mapData(map.getBounds(), pending.signal)
        .then(function (data) {
          cells.clearLayers();
          var total = data.total.toLocaleString("en-GB");
          if (data.clustered) {
            cluster.clearLayers();
            markers = [];
            data.features.forEach(function (feature) {
              cells.addLayer(cellMarker(map, feature));
            });
            status.textContent = "About " + total + " assets in this area of the map, " +
              "shown in groups: select a group to zoom in, or use the table.";
            return;
          }
          // Markers still in view stay as they are: a popup that pans the map to fit stays
          // open (with its button in focus) through the reload that the move causes.
          var kept = {};
          markers.forEach(function (marker) { kept[marker.options.key] = marker; });
          var added = [];
          markers = data.features.map(function (feature) {
            var c = feature.geometry.coordinates;  // GeoJSON order: [longitude, latitude]
            var p = feature.properties;
            var label = p.name + " (" + p.reference + "): " + p.availability;
            var key = [p.reference, label, p.availability_code, c[0], c[1]].join("|");
            if (kept[key]) {
              var same = kept[key];
              delete kept[key];
              return same;
            }
            var marker = assetMarker([c[1], c[0]], p.availability_code, label, true);
            marker.options.key = key;
            marker.options.reference = p.reference;
            marker.options.label = label;
            marker.on("add", function () { markSelected(marker); });
            marker.bindPopup(popupContent(p, selection.button(p.reference, p.name)));
            added.push(marker);
            return marker;
          });
          cluster.removeLayers(Object.keys(kept).map(function (key) { return kept[key]; }));
          cluster.addLayers(added);
          status.textContent = total + (data.total === 1 ? " asset" : " assets") +
            " in this area of the map.";
          if (!fitted && markers.length) {
            fitted = true;
            var group = L.featureGroup(markers);
            // No animation: the view settles at once, so the reload it causes starts now
            // and "N assets in this area" only shows for the view the visitor will use.
            map.fitBounds(group.getBounds().pad(0.1), { maxZoom: 15, animate: false });
          }
        })
        .catch(function (error) {
          if (error.name === "AbortError") { return; }
          status.textContent = "The map could not load assets just now; the table lists them.";
        });
    }

    map.on("moveend", load);
    load();
    selectionTools(map, section, selection, mapData);
  }

  // "Select all assets in the current map view" (the keyboard's way), and "Select assets in
  // an area": a box dragged on the map with a mouse, pen or finger. Both ask the server for
  // the assets in that area with the page's filters, so what is chosen does not depend on
  // what the map happens to have drawn.
  function selectionTools(map, section, selection, mapData) {
    var viewButton = section.querySelector("[data-select-view]");
    var areaButton = section.querySelector("[data-select-area]");
    var container = map.getContainer();
    var drawing = false;
    var start = null;
    var box = null;
    var swallowClick = false;

    function selectIn(bounds, where) {
      selection.say("Finding the assets " + where + "…");
      mapData(bounds)
        .then(function (data) {
          if (data.clustered) {
            selection.say("There are about " + data.total.toLocaleString("en-GB") + " assets " +
              where + ": too many to select at once. Zoom in, or draw a smaller area.");
            return;
          }
          if (!data.features.length) {
            selection.say("There are no assets " + where + ".");
            return;
          }
          var references = data.features.map(function (feature) {
            return feature.properties.reference;
          }).sort();
          var result = selection.addAll(references);
          if (!result.added && result.skipped) {
            selection.say(selection.full);
          } else if (!result.added) {
            selection.say((references.length === 1 ? "The asset " : "All " +
              references.length.toLocaleString("en-GB") + " assets ") + where +
              (references.length === 1 ? " is" : " are") + " already selected.");
          } else {
            selection.say("Added " + plural(result.added, "asset", "assets") + " " + where +
              "." + (result.skipped ? " You can ask about up to " + selection.max +
              " assets in one enquiry, so " + plural(result.skipped, "asset was", "assets were") +
              " not added." : ""));
          }
        })
        .catch(function () {
          selection.say("The map could not select assets just now. Try again, or tick them " +
            "in the table.");
        });
    }

    viewButton.addEventListener("click", function () {
      selectIn(map.getBounds(), "in the current map view");
    });

    function setDrawing(on) {
      drawing = on;
      areaButton.setAttribute("aria-pressed", on ? "true" : "false");
      container.classList.toggle("diz-map--drawing", on);
      if (on) {
        map.dragging.disable();
        map.boxZoom.disable();
        selection.say("Drag on the map to draw a box round the assets you want. " +
          "Press Escape to stop.");
      } else {
        map.dragging.enable();
        map.boxZoom.enable();
      }
    }

    function stopBox() {
      if (box) { map.removeLayer(box); }
      box = null;
    }

    areaButton.addEventListener("click", function () {
      stopBox();
      setDrawing(!drawing);
      if (!drawing) { selection.say("Stopped selecting an area."); }
    });

    // Capturing, so that while drawing a press on a marker starts the box instead of opening
    // its popup; the map's own controls (zoom, attribution) and open popups keep working.
    function onMap(target) {
      return !target.closest(".leaflet-control-container, .leaflet-popup");
    }
    container.addEventListener("pointerdown", function (event) {
      if (!drawing || event.button !== 0 || !onMap(event.target)) { return; }
      event.preventDefault();
      event.stopPropagation();
      start = map.mouseEventToLatLng(event);
      box = L.rectangle(L.latLngBounds(start, start), {
        className: "diz-map-box", color: "#0b0c0c", weight: 2, dashArray: "6 4",
        fillOpacity: 0.1, interactive: false
      }).addTo(map);
      container.setPointerCapture(event.pointerId);
    }, true);
    container.addEventListener("pointermove", function (event) {
      if (!box) { return; }
      event.stopPropagation();
      box.setBounds(L.latLngBounds(start, map.mouseEventToLatLng(event)));
    }, true);
    container.addEventListener("pointerup", function (event) {
      if (!box) { return; }
      event.stopPropagation();
      var bounds = L.latLngBounds(start, map.mouseEventToLatLng(event));
      stopBox();
      setDrawing(false);
      // The click that ends the drag is not a click on a marker or the map.
      swallowClick = true;
      window.setTimeout(function () { swallowClick = false; }, 0);
      var size = map.latLngToContainerPoint(bounds.getNorthEast())
        .subtract(map.latLngToContainerPoint(bounds.getSouthWest()));
      if (Math.abs(size.x) < 8 || Math.abs(size.y) < 8) {
        selection.say("That box was too small. Choose “Select assets in an area” and drag " +
          "across the assets you want.");
        return;
      }
      selectIn(bounds, "in the area you drew");
    }, true);
    container.addEventListener("pointercancel", function () {
      stopBox();
    }, true);
    container.addEventListener("click", function (event) {
      if ((drawing || swallowClick) && onMap(event.target)) {
        event.preventDefault();
        event.stopPropagation();
      }
    }, true);
    document.addEventListener("keydown", function (event) {
      if (drawing && event.key === "Escape") {
        stopBox();
        setDrawing(false);
        selection.say("Stopped selecting an area.");
      }
    });
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
