// One plotly figure that stays alive across Streamlit reruns (see ui/live_plotly.py).
//
// Streamlit calls this module's default export when the element mounts and again whenever its data
// changes, with the same parentElement. The first call creates the graph div and draws it; later calls
// hand the new figure to Plotly.react, which diffs it against what is drawn instead of rebuilding the
// plot, its axes, buttons and scrubber from nothing (what st.plotly_chart does on every change), or,
// where only the traces' points changed, redraw just those traces (updateInPlace, below).
// Frames play client-side with plotly's own animate, exactly as in the exported HTML.

const LOADING_KEY = "__optimizerLabPlotlyLoading";

// plotly.js is the basic bundle vendored in ui/static/plotly/, served by the app itself (no network
// beyond the app's own server). It is loaded once per browser page and shared by every live figure.
function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(rememberArrayAttributes(window.Plotly));
  if (!window[LOADING_KEY]) {
    window[LOADING_KEY] = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () =>
        window.Plotly
          ? resolve(rememberArrayAttributes(window.Plotly))
          : reject(new Error("plotly.js loaded but did not define Plotly"));
      script.onerror = () => {
        window[LOADING_KEY] = undefined; // let a later update try again
        reject(new Error(`could not load plotly.js from ${url}`));
      };
      document.head.appendChild(script);
    });
  }
  return window[LOADING_KEY];
}

// plotly's calc step lists, for every trace and on every draw, which of its attributes hold arrays
// (PlotSchema.findArrayAttributes). It finds them by walking the trace type's whole attribute schema,
// several hundred nodes, copying the path at each one: 20 ms of the ~60 ms plotly spends on a Steps move of
// the playground (map and curves, 15 traces; CPU profile on the 2-core machine). The answer depends only on
// the trace's type and on which of its attributes are arrays, so it is remembered under those: the trace's
// own keys are walked (a few dozen nodes), and plotly's walk runs once for each trace type and set of array
// attributes. Traces are walked the way plotly walks them (into plain objects, and into plain objects
// inside arrays), and keys that start with "_" are plotly's bookkeeping, never attributes.
// tests/e2e/test_playground.py checks that the answers are plotly's own, in the same order, for the app's
// figures and for traces with arrays in nested and per-point attributes.
const ARRAY_ATTRIBUTES_KEY = "__optimizerLabUncachedFindArrayAttributes";

function isPlainObject(value) {
  // plotly's own test (lib/is_plain_object.js), so the same values are walked into
  return (
    Object.prototype.toString.call(value) === "[object Object]" &&
    Object.getPrototypeOf(value).hasOwnProperty("hasOwnProperty")
  );
}

function isArrayOrTypedArray(value) {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

// The paths of `value`'s arrays, as plotly's walk would reach them; null past MAX_ATTRIBUTE_DEPTH. plotly's
// attributes nest a few objects deep (marker.colorbar.title.font is four): a deeper value is no attribute
// tree, and such a trace is answered by plotly's walk, not remembered.
const MAX_ATTRIBUTE_DEPTH = 8;

function arrayPathsOf(value, prefix, paths, depth = 0) {
  if (depth > MAX_ATTRIBUTE_DEPTH) return null;
  for (const key of Object.keys(value)) {
    if (key.charCodeAt(0) === 95) continue; // "_"
    const child = value[key];
    if (isArrayOrTypedArray(child)) {
      paths.push(prefix + key);
      if (Array.isArray(child)) {
        for (let index = 0; index < child.length; index++) {
          if (!isPlainObject(child[index])) continue;
          if (!arrayPathsOf(child[index], `${prefix}${key}[${index}].`, paths, depth + 1)) return null;
        }
      }
    } else if (isPlainObject(child)) {
      if (!arrayPathsOf(child, `${prefix}${key}.`, paths, depth + 1)) return null;
    }
  }
  return paths;
}

function rememberArrayAttributes(Plotly) {
  const schema = Plotly.PlotSchema;
  if (!schema || typeof schema.findArrayAttributes !== "function" || schema[ARRAY_ATTRIBUTES_KEY]) {
    return Plotly;
  }
  const uncached = schema.findArrayAttributes;
  const answersByModule = new WeakMap(); // trace module → (array paths → answer)
  const answersWithoutModule = new Map();
  schema[ARRAY_ATTRIBUTES_KEY] = uncached; // for the browser test's comparison
  schema.findArrayAttributes = function (trace) {
    const module = trace && trace._module;
    let answers = answersWithoutModule;
    if (module && typeof module === "object") {
      answers = answersByModule.get(module);
      if (!answers) answersByModule.set(module, (answers = new Map()));
    }
    const paths = arrayPathsOf(trace, "", []);
    if (!paths) return uncached.call(this, trace);
    const signature = paths.join("\n");
    let answer = answers.get(signature);
    if (!answer) answers.set(signature, (answer = uncached.call(this, trace)));
    return answer.slice(); // each trace gets its own list, as from plotly
  };
  return Plotly;
}

function showError(holder, message) {
  holder.errorBox.textContent = message;
  holder.errorBox.style.display = message ? "block" : "none";
}

// In-place updates. Plotly.react redraws a whole figure (axes, legend, buttons) as soon as any trace's
// data changes. A figure whose axes all have fixed ranges, and that has no plotly scrubber, looks the same
// after a change of its traces' points, names or hover texts, or of its frames, except for those traces
// and the legend. So such an update redraws only the traces from the first changed one on (with plotly's
// own animate, what the frames use), then the legend if a name changed. For the playground's map in the
// page: 25–50 ms a move, where Plotly.react took 55–75 ms (bench/bench_playground.py).
// plotly's animate options for showing data or a frame at once, without a transition.
const STILL = { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: "immediate" };
const IN_PLACE_TRACE_KEYS = new Set(["x", "y", "name", "hovertemplate"]);

const text = (value) => JSON.stringify(value === undefined ? null : value);

// What updates are compared by: JSON texts of each trace's attributes, of the layout, of the frames and
// of the config.
function figureRecord(figure, config) {
  const layout = figure.layout || {};
  const axisFixed = (name) => {
    const axis = layout[name.replace(/^([xy])/, "$1axis")];
    return Boolean(axis && Array.isArray(axis.range) && !axis.autorange);
  };
  return {
    traces: figure.data.map((trace) =>
      Object.fromEntries(Object.entries(trace).map(([key, value]) => [key, text(value)])),
    ),
    layout: text(layout),
    frames: text(figure.frames || []),
    frameCount: (figure.frames || []).length,
    // Traces every frame touches: what is drawn of them depends on the animation's current frame.
    animated: new Set((figure.frames || []).flatMap((frame) => frame.traces || [])),
    config: text(config),
    fixedAxes: figure.data.every((trace) => axisFixed(trace.xaxis || "x") && axisFixed(trace.yaxis || "y")),
    // plotly's own scrubber follows the animation: after playback, only Plotly.react puts it back where
    // the figure says. The map's scrubber is the page's (`playback`), so the map has none.
    plotlyScrubber: (layout.sliders || []).length > 0,
  };
}

// How `next` differs from `previous` (figureRecord's), if an in-place update can draw it; else null.
function inPlaceChanges(previous, next) {
  if (!previous || !next.fixedAxes || next.plotlyScrubber) return null;
  if (previous.config !== next.config || previous.layout !== next.layout) return null;
  if (previous.traces.length !== next.traces.length) return null;
  let firstTrace = next.traces.length;
  let legend = false;
  for (let k = 0; k < next.traces.length; k++) {
    const before = previous.traces[k];
    const after = next.traces[k];
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    let changed = next.animated.has(k);
    for (const key of keys) {
      if (before[key] === after[key]) continue;
      if (!IN_PLACE_TRACE_KEYS.has(key)) return null;
      changed = true;
      legend = legend || key === "name";
    }
    if (changed) firstTrace = Math.min(firstTrace, k);
  }
  return { firstTrace, legend, frames: previous.frames !== next.frames };
}

async function updateInPlace(Plotly, graph, figure, changes, previous) {
  if (changes.frames) {
    // deleteFrames sorts a list of indices as strings (10 before 9): delete one at a time, the last first.
    for (let i = previous.frameCount - 1; i >= 0; i--) await Plotly.deleteFrames(graph, [i]);
    await Plotly.addFrames(graph, figure.frames || []);
  }
  // plotly.js draws a redrawn trace above those it left alone: redrawing every trace from the first that
  // changed keeps their order (which path lies on top). Traces the frames animate are always redrawn:
  // like Plotly.react, an update shows the figure's own data, not the frame the animation was at.
  const traces = [];
  for (let k = changes.firstTrace; k < figure.data.length; k++) traces.push(k);
  if (traces.length) {
    const data = traces.map((k) => {
      const keys = [...IN_PLACE_TRACE_KEYS].filter((key) => key in figure.data[k]);
      return Object.fromEntries(keys.map((key) => [key, figure.data[k][key]]));
    });
    await Plotly.animate(graph, { data, traces }, STILL);
  }
  // Redraws the legend alone.
  if (changes.legend) await Plotly.relayout(graph, { showlegend: graph._fullLayout.showlegend });
}

// The playback controls drawn under the graph (ui/live_plotly.py, `playback`): a row of buttons that play,
// pause and change speed, each calling Plotly.animate with the arguments plotly's own button would (so the
// exported HTML and the page play alike), and a step scrubber, an HTML range input that shows and drives the
// animation's frames as plotly's own scrubber does, but whose labels change with the page's DOM alone.
// plotly redraws its whole scrubber, measuring every label, whenever the steps change, and a move of Steps
// changes them all (20–45 ms of each such move in the page, bench/bench_playground.py); and it places its
// buttons at a fraction of the plot's height, over the axis's title when the legend takes more rows.
function showStep(controls, index) {
  controls.input.value = String(index);
  controls.label.textContent = controls.spec.prefix + controls.spec.labels[index];
}

function playbackOf(holder) {
  if (!holder.playback) {
    const buttons = document.createElement("div");
    buttons.className = "live-playback";
    const scrubberRow = document.createElement("div");
    scrubberRow.className = "live-scrubber";
    const input = document.createElement("input");
    input.type = "range";
    input.min = "0";
    input.step = "1";
    input.setAttribute("aria-label", "Step of the animation");
    const label = document.createElement("output");
    scrubberRow.append(input, label);
    holder.graph.after(buttons, scrubberRow);
    const controls = { buttons, buttonsText: null, scrubberRow, input, label, spec: null };
    holder.playback = controls;
    input.addEventListener("input", () => {
      const index = Number(input.value);
      const name = controls.spec && controls.spec.frames[index];
      if (name === undefined || !window.Plotly) return;
      showStep(controls, index);
      window.Plotly.animate(holder.graph, [name], STILL);
    });
  }
  return holder.playback;
}

// The buttons are made again only when their labels or arguments changed (the frames' durations follow
// their count), so a move of Steps leaves them as they are.
function updateButtons(holder, controls, specs) {
  const specsText = JSON.stringify(specs);
  if (specsText === controls.buttonsText) return;
  controls.buttonsText = specsText;
  controls.buttons.replaceChildren(
    ...specs.map(({ label, args }) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", () => {
        if (window.Plotly) window.Plotly.animate(holder.graph, ...args);
      });
      return button;
    }),
  );
}

// After every draw: the controls for the figure drawn, the scrubber at its first frame (like Plotly.react,
// an update shows the figure's own data, frame 0's, wherever playback or the user had left the heads).
function updatePlayback(holder, spec) {
  if (!spec) {
    const shown = holder.playback;
    if (shown) shown.buttons.style.display = shown.scrubberRow.style.display = "none";
    return;
  }
  const controls = playbackOf(holder);
  controls.buttons.style.display = controls.scrubberRow.style.display = "";
  // Under the plot area: between the margins the figure was drawn with.
  const margin = holder.graph._fullLayout && holder.graph._fullLayout.margin;
  if (margin) {
    controls.buttons.style.margin = controls.scrubberRow.style.margin = `0 ${margin.r}px 0 ${margin.l}px`;
  }
  updateButtons(holder, controls, spec.buttons || []);
  controls.spec = spec;
  controls.input.max = String(spec.frames.length - 1);
  showStep(controls, 0);
  if (!holder.followsFrames && holder.graph.on) {
    holder.followsFrames = true; // playback moves the scrubber along, frame by frame
    holder.graph.on("plotly_animatingframe", (event) => {
      const shown = holder.playback;
      const index = shown && shown.spec ? shown.spec.frames.indexOf(event && event.name) : -1;
      if (index >= 0) showStep(shown, index);
    });
  }
}

const decoder = new TextDecoder();

// Every live figure of the page draws in one queue, in the order Streamlit hands them over (the
// playground's map first), and each waits for the browser to paint the one before: otherwise the curves'
// draw would slip in while the map's update waits on plotly's animation timer, and the map would show
// only after both were drawn.
const QUEUE_KEY = "__optimizerLabDrawQueue";

function afterNextPaint() {
  if (document.visibilityState === "hidden") return Promise.resolve(); // no frames in a hidden tab
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

function enqueueDraw(draw) {
  const queue = (window[QUEUE_KEY] || Promise.resolve()).then(draw);
  window[QUEUE_KEY] = queue.then((drew) => drew && afterNextPaint(), afterNextPaint);
  return queue;
}

// plotly's `responsive` config redraws a figure when the window's size changes, and only then. A column
// can change width while the window keeps its size: the sidebar opened, closed or dragged wider, or the
// narrow layout (ui/narrow_layout.py) putting the curves beside the map again. The figure would keep the
// width it was drawn at, cut off or beside an empty strip, until the next rerun. So each live figure
// follows its own element's width: one resize at a time, in the draw queue (never on a half-drawn figure),
// and none where plotly already drew it at the element's width (the observer also fires once on observing).
function followWidth(holder, element) {
  if (typeof ResizeObserver !== "function") return;
  new ResizeObserver(() => {
    if (holder.resizeQueued) return;
    holder.resizeQueued = true;
    enqueueDraw(async () => {
      holder.resizeQueued = false;
      const drawnWidth = holder.graph._fullLayout && holder.graph._fullLayout.width;
      const width = element.clientWidth;
      if (!window.Plotly || !drawnWidth || !width || Math.abs(width - drawnWidth) < 1) return false;
      await window.Plotly.Plots.resize(holder.graph);
      return true;
    }).catch(() => {}); // hidden meanwhile (plotly refuses): the next draw takes the width it has then
  }).observe(element);
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  // ui/live_plotly.py sends one JSON document as bytes: {name, figure, config, clickable, plotly_url,
  // playback}.
  const payloadText = decoder.decode(component.data);
  const data = JSON.parse(payloadText);
  let holder = parentElement.__liveFigure;
  if (!holder) {
    const graph = document.createElement("div");
    graph.className = "live-plotly";
    graph.style.width = "100%";
    const errorBox = document.createElement("div");
    errorBox.style.display = "none";
    errorBox.style.color = "#b00020";
    parentElement.append(graph, errorBox);
    holder = parentElement.__liveFigure = {
      graph,
      errorBox,
      update: 0,
      clickBound: false,
      record: null, // figureRecord of the figure drawn last
      drawnText: null, // its payload as sent (the browser tests draw it afresh to compare)
      resizeQueued: false,
    };
    followWidth(holder, parentElement);
  }
  holder.setTriggerValue = setTriggerValue; // the click handler always reports through the latest one
  const update = ++holder.update;
  // Marks for bench/bench_playground.py: new data received, and the figure drawn with it (the mark's
  // detail says whether in place).
  const markName = `live-plotly:${data.name || "figure"}`;
  performance.mark(`${markName}:received`);

  const draw = async () => {
    const Plotly = await loadPlotly(data.plotly_url);
    if (update !== holder.update) return false; // a newer figure has arrived: draw that one instead
    const figure = data.figure;
    const config = data.config || {};
    const record = figureRecord(figure, config);
    const previous = holder.record;
    holder.record = null; // until this draw is done, what is drawn is unknown
    let changes = holder.graph.data ? inPlaceChanges(previous, record) : null;
    if (changes) {
      try {
        await updateInPlace(Plotly, holder.graph, figure, changes, previous);
      } catch (error) {
        changes = null; // e.g. a press of Play interrupted it: draw the whole figure instead
      }
    }
    if (!changes) {
      const { data: traces, layout, frames = [] } = figure;
      await Plotly.react(holder.graph, { data: traces, layout, frames, config });
    }
    holder.record = record;
    holder.drawnText = payloadText;
    updatePlayback(holder, data.playback || null);
    if (update === holder.update) {
      performance.mark(`${markName}:drawn`, { detail: { inPlace: Boolean(changes) } });
    }
    showError(holder, "");
    if (data.clickable && !holder.clickBound && holder.graph.on) {
      holder.clickBound = true;
      // A click on a hoverable point (a path point, the start) reports that point; where the layout
      // sets clickanywhere (the map), a click anywhere else on the plot area reports where it landed,
      // in data coordinates (plotly's own conversion; its axes, buttons and scrubber send no click).
      holder.graph.on("plotly_click", (event) => {
        const point = event && event.points && event.points[0];
        const x = point ? point.x : event && event.xvals && event.xvals[0];
        const y = point ? point.y : event && event.yvals && event.yvals[0];
        if (Number.isFinite(x) && Number.isFinite(y)) holder.setTriggerValue("click", { x, y });
      });
    }
    return true;
  };
  // One draw at a time, so an update never starts on a half-drawn figure.
  enqueueDraw(draw).catch((error) =>
    showError(holder, `The figure could not be drawn: ${error && error.message}`),
  );
}
