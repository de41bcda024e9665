// One plotly figure that stays alive across Streamlit reruns (see ui/live_plotly.py).
//
// Streamlit calls this module's default export when the element mounts and again whenever its data
// changes, with the same parentElement. The first call creates the graph div and draws it; later calls
// hand the new figure to Plotly.react, which diffs it against what is drawn instead of rebuilding the
// plot, its axes, buttons and scrubber from nothing (what st.plotly_chart does on every change).
// Frames play client-side with plotly's own animate, exactly as in the exported HTML.

const LOADING_KEY = "__optimizerLabPlotlyLoading";

// plotly.js is the basic bundle vendored in ui/static/plotly/, served by the app itself (no network
// beyond the app's own server). It is loaded once per browser page and shared by every live figure.
function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window[LOADING_KEY]) {
    window[LOADING_KEY] = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () =>
        window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js loaded but did not define Plotly"));
      script.onerror = () => {
        window[LOADING_KEY] = undefined; // let a later update try again
        reject(new Error(`could not load plotly.js from ${url}`));
      };
      document.head.appendChild(script);
    });
  }
  return window[LOADING_KEY];
}

function showError(holder, message) {
  holder.errorBox.textContent = message;
  holder.errorBox.style.display = message ? "block" : "none";
}

const decoder = new TextDecoder();

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  // ui/live_plotly.py sends one JSON document as bytes: {name, figure, config, clickable, plotly_url}.
  const data = JSON.parse(decoder.decode(component.data));
  let holder = parentElement.__liveFigure;
  if (!holder) {
    const graph = document.createElement("div");
    graph.className = "live-plotly";
    graph.style.width = "100%";
    const errorBox = document.createElement("div");
    errorBox.style.display = "none";
    errorBox.style.color = "#b00020";
    parentElement.append(graph, errorBox);
    holder = parentElement.__liveFigure = { graph, errorBox, update: 0, clickBound: false };
  }
  holder.setTriggerValue = setTriggerValue; // the click handler always reports through the latest one
  const update = ++holder.update;
  // Marks for bench/bench_playground.py: new data received, and the figure drawn with it.
  const markName = `live-plotly:${data.name || "figure"}`;
  performance.mark(`${markName}:received`);

  loadPlotly(data.plotly_url)
    .then((Plotly) => {
      if (update !== holder.update) return undefined; // a newer figure arrived while plotly.js loaded
      const figure = data.figure;
      return Plotly.react(holder.graph, {
        data: figure.data,
        layout: figure.layout,
        frames: figure.frames || [],
        config: data.config || {},
      });
    })
    .then(() => {
      if (update === holder.update) performance.mark(`${markName}:drawn`);
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
    })
    .catch((error) => showError(holder, `The figure could not be drawn: ${error.message}`));
}
