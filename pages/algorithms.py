"""Algorithms side by side: SGD with momentum, Adam (Algorithm 1), AdaBelief (Algorithm 2), and the
sign-descent argument with a live demo."""

import streamlit as st

st.set_page_config(page_title="Algorithms side by side · Optimizer Lab", page_icon="📜", layout="wide")

import numpy as np  # noqa: E402  (set_page_config must come first)

from optim_core import sign_descent  # noqa: E402
from surfaces import SurfaceError  # noqa: E402
from ui import render, sidebar  # noqa: E402
from ui.narrow_layout import formula_table, stacked_when_narrow  # noqa: E402
from viz.algorithms import ALGORITHM_ROWS, DirectionSeries, angle_figure, compass_figure  # noqa: E402
from viz.colors import color_for  # noqa: E402
from viz.denominators import FOCUS_LABELS  # noqa: E402

DENOMINATORS_PAGE = "pages/denominators.py"
NOISE_KEY, LANDSCAPE_KEY, LR_KEY, STEPS_KEY = "alg_noise", "alg_land", "alg_lr", "alg_steps"
NOISE_STOPS = [0.0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0]
LR_STOPS = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2]
LANDSCAPES = {"plane": "tilted plane f = x + y/4", "bowl": "elongated bowl f = x² + 25y²"}
BURN_IN = 50  # steps before m_t has caught up with g_t (β1⁵⁰ ≈ 0.005): the compass shows the steps after
PLOT_CONFIG = {"displaylogo": False}
HEADERS = (
    ("sgd", "SGD with momentum", "momentum"),
    ("adam", "Adam (Algorithm 1)", "adam"),
    ("adabelief", "AdaBelief (Algorithm 2)", "adabelief"),
)


# SGD's lines are the shortest: its column gives room to AdaBelief's, so every line fits at 1280 pixels
# with the sidebar open (a browser test measures it)
COLUMN_WEIGHTS = [1.1, 1.6, 2.6, 2.9]


def algorithms_side_by_side() -> None:
    # On a narrow main area (1024-pixel projector, sidebar open) each row's label goes above its formulas
    with formula_table("algorithm_table"):
        formula_rows()


def formula_rows() -> None:
    columns = st.columns(COLUMN_WEIGHTS)
    columns[0].markdown("**line**")
    for column, (_, title, family) in zip(columns[1:], HEADERS, strict=True):
        column.markdown(
            f'<span style="color:{color_for(family)}; font-size:1.35rem; font-weight:700">{title}</span>',
            unsafe_allow_html=True,
        )
    for row in ALGORITHM_ROWS:
        columns = st.columns(COLUMN_WEIGHTS, vertical_alignment="center")
        with columns[0]:
            st.markdown(f"**{row.job}**")
            if row.focus is not None:
                st.page_link(
                    DENOMINATORS_PAGE,
                    label="see it live",
                    icon="➗",
                    query_params={"den_focus": FOCUS_LABELS[row.focus]},
                )
        for column, latex in zip(columns[1:], (row.sgd, row.adam, row.adabelief), strict=True):
            with column:
                st.latex(latex)


def algorithms_caption() -> None:
    st.caption(
        "All operations are per coordinate. Blue: what AdaBelief changes, as in the paper (no new "
        "hyperparameter). The paper's algorithms also project θ_t onto the feasible set; with no constraint "
        "that is the identity, left out here. SGD's momentum buffer starts as b_1 = g_1 (torch.optim). "
        "“see it live” opens the denominators page with that quantity highlighted."
    )


def sign_descent_text() -> None:
    st.markdown(
        "Assume (1) g_t is drawn from a stationary distribution, so after bias correction "
        "E v̂_t = (E g_t)² + Var g_t; (2) low noise, (E g_t)² ≫ Var g_t; (3) low bias, β1ᵗ small. Then"
    )
    # two lines: on one it is wider than the main area of a 1024-pixel screen with the sidebar open
    st.latex(
        r"\begin{aligned} \Delta\theta_t^{Adam} &= -\alpha\frac{m_t}{\sqrt{v_t}+\epsilon} \\"
        r" &\approx -\alpha\frac{\mathbb{E}g_t}{\sqrt{(\mathbb{E}g_t)^2+\mathbf{Var}\,g_t}+\epsilon}"
        r"\approx -\alpha\frac{\mathbb{E}g_t}{|\mathbb{E}g_t|} = -\alpha\,\mathrm{sign}(\mathbb{E}g_t)"
        r" \end{aligned}"
    )
    st.markdown(
        "Adam behaves like **sign descent**: in 2D every step is at ±45° to the axes, whatever direction "
        "the gradient has. AdaBelief divides by √ŝ_t ≈ the spread of g_t around m_t: when the noise has the "
        "same variance on both axes, the two denominators are equal and the step keeps the direction of "
        "m_t ≈ E g_t, **the gradient direction**. Below: the real optimizers, fed the same noisy gradients."
    )


def demo_controls() -> tuple[float, str, float, int]:
    left, middle, right, last = st.columns(4)
    with left:
        noise = st.select_slider(
            "Gradient noise σ (same on both axes)",
            options=NOISE_STOPS,
            value=0.1,
            key=NOISE_KEY,
            bind="query-params",
        )
    with middle:
        landscape = st.radio(
            "Landscape",
            options=list(LANDSCAPES),
            format_func=LANDSCAPES.get,
            index=0,
            key=LANDSCAPE_KEY,
            bind="query-params",
        )
    with right:
        lr = st.select_slider(
            "Learning rate α",
            options=LR_STOPS,
            value=1e-3,
            format_func=lambda v: f"{v:g}",
            key=LR_KEY,
            bind="query-params",
        )
    with last:
        steps = st.slider(
            "Steps", 60, sign_descent.MAX_DEMO_STEPS, value=300, step=20, key=STEPS_KEY, bind="query-params"
        )
    return float(noise), str(landscape or "plane"), float(lr), int(steps)


@st.cache_data(max_entries=64, show_spinner=False)
def demo(landscape: str, lr: float, noise: float, steps: int) -> dict:
    studies = sign_descent.direction_study(landscape, lr=lr, noise=noise, steps=steps, seed=0)
    surface, start = sign_descent.demo_surfaces()[landscape]
    gx, gy = (float(v) for v in surface.grad(np.float64(start[0]), np.float64(start[1])))
    return {
        "studies": {
            name: (study.optimizer.label, study.angles, study.update) for name, study in studies.items()
        },
        "sign_angle": sign_descent.sign_descent_angle(surface, start),
        "descent": np.array([-gx, -gy]),
        "medians": {name: study.median_angle(BURN_IN) for name, study in studies.items()},
    }


def sign_descent_demo() -> None:
    noise, landscape, lr, steps = demo_controls()
    result = demo(landscape, lr, noise, steps)
    series = [
        DirectionSeries(label, color_for(name), angles, updates)
        for name, (label, angles, updates) in result["studies"].items()
    ]
    # On a narrow main area the compass goes under the angles: beside them it was 209 px wide, its title cut
    with stacked_when_narrow("alg_directions"):
        left, right = st.columns([3, 2], gap="medium")
    with left:
        render(
            angle_figure(series, result["sign_angle"], f"How far each step points from −∇f (σ = {noise:g})"),
            key="alg_angles",
            config=PLOT_CONFIG,
        )
    with right:
        render(
            compass_figure(series, result["descent"], BURN_IN, f"Step directions after step {BURN_IN}"),
            key="alg_compass",
            config=PLOT_CONFIG,
        )
    medians = result["medians"]
    lines = ["| optimizer | median angle to −∇f after step 50 |", "|---|---:|"]
    for item, name in zip(series, result["studies"], strict=True):
        value = medians[name]
        lines.append(f"| {item.label} | {'—' if not np.isfinite(value) else f'{value:.1f}°'} |")
    lines.append(f"| pure sign step −α·sign(∇f) at the start | {result['sign_angle']:.1f}° |")
    st.markdown("\n".join(lines))
    if noise == 0:
        st.info(
            "Without noise AdaBelief takes sign steps too: its only residual g_t − m_t = β1ᵗ·g_t comes from "
            "m_t's warm-up and is proportional to g_t itself, so √ŝ_t ∝ |g_t| on each axis, just like √v̂_t. "
            "Raise σ to see the difference.",
            icon="ℹ️",
        )
    if landscape == "bowl":
        st.caption(
            "On the bowl the gradient changes along the path, so g_t − m_t also measures that change (larger "
            "along the steep y axis), not only the noise: AdaBelief no longer follows −∇f exactly."
        )


def body() -> None:
    sidebar()
    st.title("Algorithms side by side")
    algorithms_side_by_side()
    algorithms_caption()
    st.header("Why Adam takes ±45° steps: “sign descent”", anchor="sign-descent")
    sign_descent_text()
    sign_descent_demo()


try:
    body()
except (SurfaceError, ValueError) as error:
    st.error(f"This setting cannot be shown: {error}", icon="🚫")
