"""Exports: a standalone HTML page that plays the animated figure offline, and per-step CSV rows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def standalone_html(figure: dict[str, Any], title: str) -> str:
    """One HTML file with plotly.js inline (no network needed) that draws `figure` and its frames.

    plotly.js is read from the copy shipped inside the plotly package, the same build the app uses.
    """
    plotly_js = PLOTLY_JS.read_text(encoding="utf-8")
    figure_json = json.dumps(figure, allow_nan=False, default=_json_default).replace("</", "<\\/")
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{safe_title}</title>\n"
        f"<script>{plotly_js}</script>\n</head><body>\n"
        f"<h3 style='font-family:sans-serif'>{safe_title}</h3>\n"
        "<div id='figure' style='width:100%;max-width:1100px'></div>\n<script>\n"
        f"const figure = {figure_json};\n"
        "Plotly.newPlot('figure', figure.data, figure.layout, {responsive: true})"
        ".then(gd => Plotly.addFrames(gd, figure.frames || []));\n"
        "</script>\n</body></html>\n"
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Plain CSV (no quoting needed for our numeric/label cells; labels are quoted when they hold commas)."""

    def cell(value: Any) -> str:
        if isinstance(value, float | np.floating):
            return "" if not np.isfinite(value) else repr(float(value))
        text = str(value)
        return f'"{text}"' if ("," in text or '"' in text) else text

    lines = [",".join(header)]
    lines += [",".join(cell(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"
