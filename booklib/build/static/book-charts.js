/* Draw the book's charts from their embedded Vega specs (compiled from Vega-Lite at build time).
   Deferred; the offline Vega runtime (window.vega) is loaded async: start() waits for it if needed.

   - A chart is drawn when it comes near the viewport; until then its natural height is reserved.
   - It is fitted to its column: a chart wider than the column is re-laid out narrower (plot
     width, legend columns, title lines); if it still does not fit, it is scaled down.
   - It follows the page's light or dark theme, and is redrawn when the reader switches.
   - Charts already near the first screen are drawn at once, not after the page's other scripts.
   - "Save the chart as PNG or SVG" draws it again, light and at its natural size, with the
     reader's chosen scenario, by Vega's own view.toImageURL (nothing fetched).
   - A scenario explorer keeps its setting in the page's address, #<figure>?<column>=<value>&...,
     so that a link (or a reload) reopens it; "Reset" restores the book's scenario. */
(function () {
  "use strict";
  var NEAR = "600px 0px"; // draw a chart this far before it scrolls into view
  var MIN_PLOT = 140; // narrowest plot worth re-laying out; below it, scale instead
  var DARK = {
    text: "#d8dde3",
    subtle: "#aab2bc",
    grid: "#3a414b",
    domain: "#8a929c",
  };

  /* The theme's mode is "auto" (the system's) until its script resolves it, after ours has run. */
  function isDark() {
    var theme = document.documentElement.dataset.theme;
    if (theme === "auto" || !theme) return !!(window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches);
    return theme === "dark";
  }

  function pageBackground() {
    return getComputedStyle(document.body).backgroundColor || "#14181e";
  }

  /* ---- colours ---- */
  var NAMED = { black: "#000000", white: "#ffffff", gray: "#808080", grey: "#808080", silver: "#c0c0c0",
    lightgray: "#d3d3d3", lightgrey: "#d3d3d3", darkgray: "#a9a9a9", darkgrey: "#a9a9a9", dimgray: "#696969" };

  function parseColor(value) {
    if (typeof value !== "string") return null;
    var text = value.trim().toLowerCase();
    if (NAMED[text]) text = NAMED[text];
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(text);
    if (!m) return null;
    var hex = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(hex.slice(i, i + 2), 16) / 255; });
  }

  function toHex(rgb) {
    return "#" + rgb.map(function (c) { return Math.round(Math.max(0, Math.min(1, c)) * 255).toString(16).padStart(2, "0"); }).join("");
  }

  function rgbToHsl(rgb) {
    var r = rgb[0], g = rgb[1], b = rgb[2], max = Math.max(r, g, b), min = Math.min(r, g, b);
    var l = (max + min) / 2, d = max - min, h = 0, s = 0;
    if (d) {
      s = d / (1 - Math.abs(2 * l - 1));
      h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
      h *= 60;
      if (h < 0) h += 360;
    }
    return [h, s, l];
  }

  function hslToRgb(hsl) {
    var h = hsl[0], s = hsl[1], l = hsl[2], c = (1 - Math.abs(2 * l - 1)) * s, x = c * (1 - Math.abs(((h / 60) % 2) - 1)), m = l - c / 2;
    var rgb = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
    return rgb.map(function (v) { return v + m; });
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) { return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  /* The colour to use on a dark page: greys are mirrored (black text becomes light, white
     separators become dark); a hue too dark to read is lightened to a 4.5:1 contrast. */
  function forDark(value) {
    var rgb = parseColor(value);
    if (!rgb) return value;
    var hsl = rgbToHsl(rgb);
    if (hsl[1] < 0.12) {
      hsl[2] = hsl[2] > 0.92 ? 0.09 : Math.min(0.9, Math.max(0.35, 1 - hsl[2]));
      return toHex(hslToRgb(hsl));
    }
    var background = 0.009;
    for (var i = 0; i < 12 && (luminance(hslToRgb(hsl)) + 0.05) / (background + 0.05) < 4.5; i++) {
      hsl[2] = Math.min(0.85, hsl[2] + 0.05);
    }
    return toHex(hslToRgb(hsl));
  }

  function recolor(node) {
    if (Array.isArray(node)) return node.map(recolor);
    if (node && typeof node === "object") {
      var out = {};
      Object.keys(node).forEach(function (key) {
        out[key] = key === "data" ? node[key] : recolor(node[key]);
      });
      return out;
    }
    return forDark(node);
  }

  function merge(target, extra) {
    Object.keys(extra).forEach(function (key) {
      var value = extra[key];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        target[key] = merge(target[key] && typeof target[key] === "object" ? target[key] : {}, value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  function themed(spec) {
    if (!isDark()) return JSON.parse(JSON.stringify(spec));
    var dark = recolor(spec);
    dark.background = "transparent";
    dark.config = merge(dark.config || {}, {
      axis: { labelColor: DARK.text, titleColor: DARK.text, gridColor: DARK.grid, domainColor: DARK.domain, tickColor: DARK.domain },
      legend: { labelColor: DARK.text, titleColor: DARK.text },
      title: { color: DARK.text, subtitleColor: DARK.subtle },
      text: { fill: DARK.text },
      style: { "guide-label": { fill: DARK.text }, "guide-title": { fill: DARK.text }, "group-title": { fill: DARK.text }, "group-subtitle": { fill: DARK.subtle } },
    });
    return dark;
  }

  /* ---- fitting to the column ---- */
  function wrapLines(text, width, fontSize) {
    if (typeof text !== "string") return text;
    var perLine = Math.max(12, Math.floor(width / (fontSize * 0.56)));
    if (text.length <= perLine) return text;
    var lines = [], line = "";
    text.split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > perLine) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines;
  }

  function narrowed(spec, width) {
    if (spec.title) {
      if (typeof spec.title === "string") spec.title = { text: spec.title };
      spec.title.text = wrapLines(spec.title.text, width, 15);
      if (spec.title.subtitle) spec.title.subtitle = wrapLines(spec.title.subtitle, width, 12);
    }
    // Horizontal legends wrap into as many columns as fit.
    (function walk(node) {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== "object") return;
      if (Array.isArray(node.legends)) {
        node.legends.forEach(function (legend) {
          if (legend.direction === "horizontal" || legend.orient === "bottom" || legend.orient === "top") {
            // On a phone, one column: side-by-side legends then leave the plot its width.
            legend.columns = width < 520 ? 1 : Math.max(1, Math.floor(width / 150));
          }
        });
      }
      if (Array.isArray(node.marks)) node.marks.forEach(walk);
    })(spec);
    return spec;
  }

  /* The signals that set the plots' widths: a single view's `width`, a facet's `child_width`,
     a concatenation's `concat_0_width`... (those with a fixed value, not a computed one). */
  function widthSignals(spec) {
    return (spec.signals || [])
      .filter(function (s) { return /(^|_)width$/.test(s.name) && typeof s.value === "number"; })
      .map(function (s) { return s.name; })
      .concat(typeof spec.width === "number" ? ["width"] : []);
  }

  function svgOf(view) {
    return view.container() && view.container().querySelector("svg");
  }

  function naturalWidth(svg) {
    return parseFloat(svg.getAttribute("width")) || svg.getBoundingClientRect().width;
  }

  function scaleToFit(svg, available) {
    var width = parseFloat(svg.getAttribute("width")), height = parseFloat(svg.getAttribute("height"));
    if (!svg.getAttribute("viewBox")) svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    if (width > available) {
      svg.style.width = available + "px";
      svg.style.height = Math.round((height * available) / width) + "px";
    }
  }

  /* ---- tooltips (what vega-embed's handler did, in a few lines) ---- */
  var tip;
  function tooltip(handler, event, item, value) {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "book-chart-tooltip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    if (value == null || value === "") {
      tip.hidden = true;
      return;
    }
    tip.textContent = "";
    if (typeof value === "object") {
      var table = document.createElement("table");
      Object.keys(value).forEach(function (key) {
        var row = table.insertRow(), name = row.insertCell(), cell = row.insertCell();
        name.textContent = key;
        cell.textContent = String(value[key]);
      });
      tip.appendChild(table);
    } else {
      tip.textContent = String(value);
    }
    tip.hidden = false;
    var x = event.clientX + 12, y = event.clientY + 12, box = tip.getBoundingClientRect();
    if (x + box.width > window.innerWidth - 4) x = Math.max(4, event.clientX - box.width - 12);
    if (y + box.height > window.innerHeight - 4) y = Math.max(4, event.clientY - box.height - 12);
    tip.style.left = x + window.scrollX + "px";
    tip.style.top = y + window.scrollY + "px";
  }

  /* ---- drawing ---- */
  /* The page holds a chart's data as columns (booklib.build.sphinx_ext.columnar_spec): records again. */
  function records(spec) {
    (spec.data || []).forEach(function (data) {
      var columns = data.bookColumns;
      if (!columns) return;
      var keys = Object.keys(columns), count = keys.length ? columns[keys[0]].length : 0, rows = new Array(count);
      for (var i = 0; i < count; i += 1) {
        var row = {};
        for (var k = 0; k < keys.length; k += 1) row[keys[k]] = columns[keys[k]][i];
        rows[i] = row;
      }
      data.values = rows;
      delete data.bookColumns;
    });
    return spec;
  }

  /* The chart's Vega spec: in the page (the first chart), or a script beside it (data-src, the
     others: booklib.build.sphinx_ext), loaded once, when first needed. */
  function specOf(figure) {
    if (figure._bookSpec) return Promise.resolve(figure._bookSpec);
    if (figure._bookSpecLoading) return figure._bookSpecLoading;
    var holder = figure.querySelector(".book-chart-spec"), src = holder.getAttribute("data-src");
    if (!src) return Promise.resolve((figure._bookSpec = records(JSON.parse(holder.textContent))));
    var name = figureName(figure);
    figure._bookSpecLoading = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () {
        var spec = window.bookChartSpecs && window.bookChartSpecs[name];
        if (spec) resolve((figure._bookSpec = records(spec)));
        else reject(new Error("its spec " + src + " holds no chart " + name));
      };
      script.onerror = function () { reject(new Error("its spec " + src + " could not be loaded")); };
      document.head.appendChild(script);
    });
    return figure._bookSpecLoading;
  }

  function draw(figure) {
    figure.dataset.theme = isDark() ? "dark" : "light"; // drawing has begun (make bench waits for it)
    return specOf(figure).then(function (original) { return drawSpec(figure, original); }, function (error) {
      figure.dataset.rendered = "failed";
      console.error("Chart " + figure.id + " failed to render: " + error.message);
    });
  }

  function drawSpec(figure, original) {
    var host = figure.querySelector(".book-chart-view");
    var available = Math.floor(host.getBoundingClientRect().width);
    var natural = +figure.dataset.width || 0;
    var spec = themed(original);
    if (natural > available) spec = narrowed(spec, available);
    // Let the view shrink as well as grow when its plots are narrowed (Vega only grows by default).
    var autosize = typeof spec.autosize === "string" ? { type: spec.autosize } : spec.autosize || { type: "pad" };
    spec.autosize = Object.assign({}, autosize, { resize: true });
    var started = performance.now();
    // A redraw (theme switch, new width) keeps what the reader chose with a chart's inputs.
    var bound = (spec.signals || []).filter(function (signal) { return signal.bind; });
    var chosen = {};
    if (figure._bookView) {
      bound.forEach(function (signal) { chosen[signal.name] = figure._bookView.signal(signal.name); });
      figure._bookView.finalize();
    } else if (bound.length) {
      // First drawing of an explorer: the setting a link or a reload carries in the address.
      chosen = addressSetting(figure, bound) || {};
    }
    bound.forEach(function (signal) { if (signal.name in chosen) signal.value = chosen[signal.name]; });
    host.textContent = "";
    var view = new vega.View(vega.parse(spec), { renderer: "svg", container: host, hover: true, tooltip: tooltip });
    figure._bookView = view;
    bound.forEach(function (signal) {
      view.addSignalListener(signal.name, function () { if (figure._bookView === view) showSetting(figure); });
    });
    figure.dataset.theme = isDark() ? "dark" : "light";
    var signals = widthSignals(spec);
    // Give the plots what the column has left: shrink their width signals, at most three times
    // (a vertical stack needs one pass, a row of panels more); what still overflows is scaled.
    function fit(pass) {
      var svg = svgOf(view);
      var overflow = svg ? naturalWidth(svg) - available : 0;
      if (overflow <= 1 || pass >= 3 || !signals.length) return view;
      var share = pass === 0 ? overflow : overflow / signals.length, changed = false;
      signals.forEach(function (signal) {
        var current = view.signal(signal), next = Math.max(MIN_PLOT, Math.floor(current - share));
        if (next < current) {
          view.signal(signal, next);
          changed = true;
        }
      });
      return changed ? view.runAsync().then(function () { return fit(pass + 1); }) : view;
    }
    return view
      .runAsync()
      .then(function () { return fit(0); })
      .then(function () {
        var svg = svgOf(view);
        if (svg) scaleToFit(svg, available);
        host.style.minHeight = "";
        figure.dataset.renderMs = Math.round(performance.now() - started);
        figure.dataset.renderedAt = Math.round(performance.now());
        figure.dataset.rendered = "true";
        figure.dataset.drawnWidth = available;
        if (bound.length) showSetting(figure);
      })
      .catch(function (error) {
        figure.dataset.rendered = "failed";
        console.error("Chart " + figure.id + " failed to render: " + error);
      });
  }

  /* A reserved height that matches what the chart will take in this column. */
  function reserve(figure) {
    var host = figure.querySelector(".book-chart-view");
    var width = +figure.dataset.width, height = +figure.dataset.height;
    var available = host.getBoundingClientRect().width;
    if (width && height && available && width > available) {
      host.style.minHeight = Math.round(Math.max(height * (available / width), height * 0.9)) + "px";
    }
  }

  /* ---- a scenario in the address ---- */
  var PREFIX = "choose_"; // an explorer's parameters are choose_<column> (booklib/explorer.py)

  function figureName(figure) {
    return figure.id.replace(/^chart-/, "");
  }

  /* The setting the address gives `name`: {column: text}, or null. */
  function decodedHash() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (error) {
      return location.hash.slice(1); // a malformed %-escape: read as written
    }
  }

  /* The element the address names when it carries a setting (#<figure>?...), or null. */
  function namedBySetting() {
    var hash = decodedHash();
    return hash.indexOf("?") > 0 ? document.getElementById(hash.split("?")[0]) : null;
  }

  function addressFor(name) {
    var hash = decodedHash(), at = hash.indexOf("?");
    if (at < 0 || hash.slice(0, at) !== name) return null;
    var setting = {};
    new URLSearchParams(hash.slice(at + 1)).forEach(function (value, key) { setting[key] = value; });
    return setting;
  }

  /* A value of the address as one the input offers (a menu's option, a slider's step), or undefined. */
  function offered(signal, text) {
    var bind = signal.bind;
    if (bind.options) {
      for (var i = 0; i < bind.options.length; i++) if (String(bind.options[i]) === text) return bind.options[i];
      return undefined;
    }
    var value = Number(text), min = +bind.min, max = +bind.max, step = +bind.step || 1;
    if (text === "" || !isFinite(value) || value < min - 1e-9 || value > max + 1e-9) return undefined;
    var steps = (value - min) / step;
    return Math.abs(steps - Math.round(steps)) < 1e-6 ? value : undefined;
  }

  /* The signal values the address sets for this explorer ({} when it says nothing of it). */
  function addressSetting(figure, bound) {
    var setting = addressFor(figureName(figure)), chosen = {};
    if (!setting) return chosen;
    bound.forEach(function (signal) {
      var key = signal.name.replace(PREFIX, "");
      if (key in setting) {
        var value = offered(signal, setting[key]);
        if (value !== undefined) chosen[signal.name] = value;
        else console.warn("Chart " + figure.id + ": the address sets " + key + "=" + setting[key] + ", which the input does not offer; its default is drawn.");
      }
    });
    return chosen;
  }

  function defaults(figure) {
    var values = {};
    (figure._bookSpec.signals || []).forEach(function (signal) { if (signal.bind) values[signal.name] = signal.value; });
    return values;
  }

  /* The explorer's current setting, as the address's query: every input, in the spec's order. */
  function settingQuery(figure) {
    var view = figure._bookView, query = new URLSearchParams();
    Object.keys(defaults(figure)).forEach(function (name) { query.set(name.replace(PREFIX, ""), String(view.signal(name))); });
    return query.toString();
  }

  /* Keep the address (and the explorer's link) on the scenario drawn: the book's own scenario
     leaves the address as it was, unless it named another setting of this explorer. */
  function showSetting(figure) {
    var view = figure._bookView, name = figureName(figure), initial = defaults(figure);
    if (!view) return;
    var atDefault = Object.keys(initial).every(function (key) { return view.signal(key) === initial[key]; });
    var query = settingQuery(figure);
    var link = figure.closest(".book-explorer") && figure.closest(".book-explorer").querySelector(".book-explorer-link");
    if (link) link.setAttribute("href", "#" + name + "?" + query);
    var reset = link && figure.closest(".book-explorer").querySelector(".book-explorer-reset");
    if (reset) reset.disabled = atDefault;
    // The address follows a moment later: dragging a slider would replace it many times a second,
    // which browsers throttle (Safari refuses more than 100 in 30 s).
    clearTimeout(figure._bookAddressTimer);
    figure._bookAddressTimer = setTimeout(function () {
      var current = addressFor(name), wanted = atDefault ? (current ? "#" + name : null) : "#" + name + "?" + query;
      if (wanted !== null && decodedHash() !== wanted.slice(1)) {
        history.replaceState(history.state, "", location.pathname + location.search + wanted);
      }
    }, 150);
  }

  function setSignals(figure, values) {
    var view = figure._bookView;
    if (!view) return Promise.resolve();
    Object.keys(values).forEach(function (name) { view.signal(name, values[name]); });
    return view.runAsync().then(function () { showSetting(figure); });
  }

  /* ---- saving a chart as an image ---- */
  function saveImage(figure, format) {
    return specOf(figure).then(function (original) { return saveSpec(figure, original, format); });
  }

  function saveSpec(figure, original, format) {
    var spec = JSON.parse(JSON.stringify(original));
    var drawn = figure._bookView, setting = [];
    (spec.signals || []).forEach(function (signal) {
      if (!signal.bind) return;
      if (drawn) signal.value = drawn.signal(signal.name);
      // The image has no inputs: it says, under its title, which scenario it draws.
      var bind = signal.bind, at = bind.options ? bind.options.indexOf(signal.value) : -1;
      setting.push((bind.name || signal.name) + ": " + (at >= 0 && bind.labels ? bind.labels[at] : signal.value));
      delete signal.bind;
    });
    if (setting.length && spec.title) {
      if (typeof spec.title === "string") spec.title = { text: spec.title };
      var subtitle = spec.title.subtitle == null ? [] : [].concat(spec.title.subtitle);
      // One line per input, wrapped to the chart's width, so that the image does not widen.
      var width = +figure.dataset.width || 500;
      setting.forEach(function (line, i) { subtitle = subtitle.concat(wrapLines((i ? "" : bookWord("Scenario. ")) + line, width, 12)); });
      spec.title.subtitle = subtitle;
    }
    var view = new vega.View(vega.parse(spec), { renderer: "none" });
    return view
      .toImageURL(format, format === "png" ? 2 : 1)
      .then(function (url) {
        var link = document.createElement("a");
        link.href = url;
        link.download = figureName(figure) + "." + format;
        document.body.appendChild(link);
        link.click();
        link.remove();
        if (url.indexOf("blob:") === 0) setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        figure.dataset.saved = format;
      })
      .catch(function (error) { console.error("Chart " + figure.id + " could not be saved as " + format + ": " + error); })
      .finally(function () { view.finalize(); });
  }

  function sourcesCsv(link) {
    var quote = function (text) { return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text; };
    var rows = ["source_id,citation,bibliography"];
    link.closest("details").querySelectorAll("li[data-source-id]").forEach(function (item) {
      var cite = item.querySelector("a");
      rows.push([item.dataset.sourceId, cite.textContent, cite.href].map(quote).join(","));
    });
    link.href = "data:text/csv;charset=utf-8," + encodeURIComponent(rows.join("\n") + "\n");
  }

  function start() {
    var figures = [].slice.call(document.querySelectorAll(".book-chart"));
    figures.forEach(reserve);
    document.querySelectorAll(".book-chart-sources-csv").forEach(function (link) {
      link.addEventListener("click", function () { sourcesCsv(link); });
    });
    document.querySelectorAll(".book-chart-save-button").forEach(function (button) {
      button.addEventListener("click", function () { saveImage(button.closest(".book-chart"), button.dataset.bookSave); });
    });
    var pending = new Set(figures);
    // An explorer the address names is scrolled to (its id carries the setting, so the browser does not).
    var named = namedBySetting();
    if (named) named.scrollIntoView();
    // What is on or near the first screen is drawn now: waiting for the observer's first report
    // would wait for the theme's scripts and the page's load.
    var near = window.innerHeight + 600;
    figures.forEach(function (figure) {
      var box = figure.getBoundingClientRect();
      if (box.bottom > -600 && box.top < near && box.width) {
        pending.delete(figure);
        draw(figure);
      }
    });
    document.querySelectorAll(".book-explorer").forEach(function (explorer) {
      var figure = explorer.querySelector(".book-chart"), status = explorer.querySelector(".book-explorer-status");
      var reset = explorer.querySelector(".book-explorer-reset"), link = explorer.querySelector(".book-explorer-link");
      // A message (reset, link copied) is cleared when the reader next uses an input.
      var inputs = explorer.querySelector(".book-explorer-controls");
      if (inputs && status) ["input", "change"].forEach(function (type) { inputs.addEventListener(type, function () { status.textContent = ""; }); });
      if (reset) reset.addEventListener("click", function () {
        if (!figure._bookView) return;
        setSignals(figure, defaults(figure)).then(function () {
          if (status) status.textContent = bookWord("The book's scenario is drawn again.");
        });
      });
      if (link) link.addEventListener("click", function (event) {
        event.preventDefault();
        history.replaceState(history.state, "", location.pathname + location.search + link.getAttribute("href"));
        var done = function (ok) { if (status) status.textContent = bookWord(ok ? "Link to this scenario copied." : "The address now links to this scenario."); };
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(location.href).then(function () { done(true); }, function () { done(false); });
        else done(false);
      });
    });
    // A scenario link followed within the page: that explorer is scrolled to, and drawn or set.
    window.addEventListener("hashchange", function () {
      var target = namedBySetting(), figure = target && (target.matches(".book-chart") ? target : target.querySelector(".book-chart"));
      if (!figure || !addressFor(figureName(figure))) return;
      target.scrollIntoView();
      if (!figure._bookView) {
        pending.delete(figure);
        if (observer) observer.unobserve(figure);
        draw(figure);
        return;
      }
      var bound = (figure._bookSpec.signals || []).filter(function (signal) { return signal.bind; });
      setSignals(figure, addressSetting(figure, bound));
    });
    var observer = "IntersectionObserver" in window
      ? new IntersectionObserver(function (entries) {
          entries.forEach(function (entry) {
            if (entry.isIntersecting && pending.has(entry.target)) {
              pending.delete(entry.target);
              observer.unobserve(entry.target);
              draw(entry.target);
            }
          });
        }, { rootMargin: NEAR })
      : null;
    figures.forEach(function (figure) {
      if (!pending.has(figure)) return;
      if (observer) observer.observe(figure);
      else draw(figure);
    });
    // Theme switch: redraw what is drawn.
    new MutationObserver(function () {
      figures.forEach(function (figure) {
        if (figure._bookView && figure.dataset.theme !== (isDark() ? "dark" : "light")) draw(figure);
      });
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    // A new column width (rotation, resized window): redraw what is drawn.
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        figures.forEach(function (figure) {
          var width = Math.floor(figure.querySelector(".book-chart-view").getBoundingClientRect().width);
          if (figure._bookView && Math.abs(width - +figure.dataset.drawnWidth) > 8) draw(figure);
        });
      }, 200);
    });
    window.bookCharts = { draw: draw, save: saveImage, drawAll: function () { return Promise.all(figures.map(function (f) { pending.delete(f); return draw(f); })); } };
  }

  function whenVega() {
    if (window.vega) return start();
    var bundle = document.querySelector('script[src*="vega-bundle.js"]');
    if (bundle) bundle.addEventListener("load", function () { if (window.vega) start(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", whenVega);
  else whenVega();
})();
