"""The three regions (the paper's Fig. 1 and Table 1): ideal step against the steps the optimizers take."""

import streamlit as st

st.set_page_config(page_title="The three regions · Optimizer Lab", page_icon="⛰️", layout="wide")

import numpy as np  # noqa: E402  (set_page_config must come first)

from optim_core import regions  # noqa: E402
from surfaces import SurfaceError  # noqa: E402
from ui import render, sidebar  # noqa: E402
from ui.narrow_layout import compact_tables_when_narrow  # noqa: E402
from viz.regions import curve_figure, steps_figure, table_markdown  # noqa: E402

LR_KEY, BETA1_KEY, BETA2_KEY, HISTORY_KEY = "reg_lr", "reg_b1", "reg_b2", "reg_n"
POINT_KEYS = {region.key: f"reg_{region.key}" for region in regions.REGIONS}
LR_STOPS = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1.0]
BETA2_STOPS = [0.5, 0.9, 0.99, 0.999, 0.9999]
DEFAULTS = regions.Settings()
PLOT_CONFIG = {"displaylogo": False}

EXPLANATIONS = {
    ("s", 2): (
        "**s_t in region 3.** The paper's S holds once m_t has caught up with g_t. A run that starts at the "
        "point begins with m_0 = 0, so its first residuals g_t − m_t = β1ᵗ·g_t are as large as g itself, "
        "and ŝ_t, an average over all steps so far, remembers them for hundreds of steps (with β2 = 0.999). "
        "The gradient change |g_t − g_{t−1}| in the row above is already small: that is the S the paper "
        "means."
    ),
    ("sgd", 1): (
        "**SGD in the valley.** SGD's step is large there only when it overshoots: with lr·f″ < 2 it slides "
        "to the bottom and its steps shrink. Raise lr until lr·f″(x) > 2 to see the paper's L."
    ),
}


def settings_controls() -> regions.Settings:
    st.markdown("##### One learning rate and one pair of betas for all three optimizers, as in the paper")
    left, middle, right, last = st.columns(4)
    with left:
        lr = st.select_slider(
            "Learning rate α (log scale)",
            options=LR_STOPS,
            value=DEFAULTS.lr,
            format_func=lambda v: f"{v:g}",
            key=LR_KEY,
            bind="query-params",
        )
    with middle:
        beta1 = st.slider(
            "β1", 0.0, 0.99, value=DEFAULTS.beta1, step=0.01, key=BETA1_KEY, bind="query-params"
        )
    with right:
        beta2 = st.select_slider(
            "β2", options=BETA2_STOPS, value=DEFAULTS.beta2, key=BETA2_KEY, bind="query-params"
        )
    with last:
        history = st.slider(
            "Steps run from each point",
            1,
            regions.MAX_HISTORY_STEPS,
            value=DEFAULTS.history_steps,
            key=HISTORY_KEY,
            bind="query-params",
            help=f"Each optimizer starts at the point with empty memory and runs this many steps "
            f"(at most {regions.MAX_HISTORY_STEPS}).",
        )
    return regions.Settings(lr=float(lr), beta1=float(beta1), beta2=float(beta2), history_steps=int(history))


def point_controls() -> dict[str, float]:
    points = {}
    for column, region in zip(st.columns(3), regions.REGIONS, strict=True):
        with column:
            points[region.key] = st.slider(
                f"Point in {region.title.lower()}",
                region.low,
                region.high,
                value=region.default_point,
                step=0.01,
                key=POINT_KEYS[region.key],
                bind="query-params",
                help=region.description,
            )
    return points


@st.cache_data(max_entries=128, show_spinner=False)
def studies_for(
    settings: regions.Settings, points: tuple[tuple[str, float], ...]
) -> list[regions.PointStudy]:
    return regions.study_regions(dict(points), settings)


@st.cache_data(max_entries=1, show_spinner=False)
def curve_samples() -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(*regions.DOMAIN, 1500)
    return x, regions.curve_values(x)


def numbers_table(studies: list[regions.PointStudy]) -> str:
    lines = [
        "| region | x | f′(x) | f″(x) | ideal step | SGD | Adam | AdaBelief |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for index, study in enumerate(studies, start=1):
        steps = []
        for name in regions.OPTIMIZER_NAMES:
            taken = study.steps[name]
            text = "diverged" if not np.isfinite(taken.mean_step) else f"{taken.mean_step:.3g}"
            exit_step = taken.first_exit(study.region)
            if exit_step is not None:
                text += f" (left at step {exit_step})"
            steps.append(text)
        lines.append(
            f"| {index} | {study.x:.3f} | {study.gradient:.3g} | {study.curvature:.3g} | "
            f"{study.ideal_step:.3g} | " + " | ".join(steps) + " |"
        )
    return "\n".join(lines)


def body() -> None:
    sidebar()
    st.title("The three regions")
    st.markdown(
        "An ideal optimizer looks at **curvature**: it takes a large step where the loss bends little and a "
        "small one where it bends a lot, whatever the size of the gradient. The ideal step at a point is "
        "the Newton step |f′(x)| / |f″(x)|. Below, SGD, Adam and AdaBelief each start at the marked point "
        "of every region and run a few steps: the bars show how far they actually move per step, computed "
        "by the same code as the playground. This page has its own 1D curve; the sidebar's settings "
        "wait for you on the other pages."
    )
    settings = settings_controls()
    points = point_controls()
    studies = studies_for(settings, tuple(sorted(points.items())))
    x, f = curve_samples()
    render(curve_figure(x, f, studies, regions.curve_values), key="reg_curve", config=PLOT_CONFIG)
    render(steps_figure(studies), key="reg_steps", config=PLOT_CONFIG)
    with compact_tables_when_narrow("reg_numbers"):  # eight columns: a narrow main area needs it
        st.markdown(numbers_table(studies))
    st.caption(
        "Step = mean |Δx| per step over the run from the point (its first steps included). "
        "f′, f″ and the ideal step are at the point itself."
    )

    st.subheader("The paper's Table 1, filled in by this page", anchor="table-1")
    rows = regions.paper_table(studies)
    st.markdown(table_markdown(rows))
    agreeing = sum(sum(row.agreements) for row in rows)
    total = sum(len(row.agreements) for row in rows)
    st.markdown(
        f"**{agreeing} of {total} cells agree with the paper** (DESIGN.md's copy of Table 1) at these "
        "settings. How each mark is decided: the quantity rows (|g_t|, v_t, |g_t − g_{t−1}|, s_t, ideal "
        "step) compare the three regions with each other, the optimizer rows compare the three optimizers "
        "within each region (as the paper's text and the study notes read it: “region 3: AdaBelief > SGD > "
        "Adam”). A value in the upper half of its group on a log scale is **L**, in the lower half **S**; "
        f"≈ means the group's values lie within a factor {regions.SAME_RATIO:g} of each other. The paper "
        "gives one mark for |g| and v_t "
        "together, and one for |g_t − g_{t−1}| and s_t: here each has its own row."
    )
    disagreements = [
        (row.key, index) for row in rows for index, agrees in enumerate(row.agreements) if not agrees
    ]
    explained = [EXPLANATIONS[cell] for cell in disagreements if cell in EXPLANATIONS]
    if explained:
        st.markdown("#### Where the numbers and the paper differ, and why")
        for text in explained:
            st.markdown(text)
    others = [cell for cell in disagreements if cell not in EXPLANATIONS]
    if others:
        names = ", ".join(f"{regions.ROW_TITLES[key]} in region {index + 1}" for key, index in others)
        st.info(
            f"At these settings the numbers also differ from the paper for: {names}. The table shows why."
        )


try:
    body()
except (SurfaceError, ValueError) as error:
    st.error(f"This setting cannot be shown: {error}", icon="🚫")
