"""Bounds on the work one request may ask for. The UI shows each bound where it bites.

Every number here caps something a visitor controls; a public server stays responsive because no
setting can ask for more than this.
"""

from __future__ import annotations

MAX_STEPS = 5_000  # optimizer steps per run (the steps slider stops here)
MIN_STEPS = 10
MAX_RUNS = 8  # optimizers raced at once
MAX_EXPRESSION_CHARS = 200  # length of a typed function (the text box stops here)

LR_MIN = 1e-6  # learning-rate range offered by the sliders and the exact entry
LR_MAX = 10.0
EPS_MIN = 1e-20
EPS_MAX = 1.0
MAX_MOMENTUM = 0.999
MAX_NOISE = 10.0  # gradient noise σ
NOISE_STEP = 0.05  # the noise slider's step
MAX_SEED = 2**31 - 1
START_LIMIT = 1e3  # |x0|, |y0| of a typed start point

MAX_FRAMES = 60  # animation frames, whatever the number of steps: keeps the figure small and fast to draw
TAIL_STEPS = 8  # points behind each animated head

RUN_CACHE_ENTRIES = 256  # runs kept, keyed by their settings
SURFACE_CACHE_ENTRIES = 64  # compiled typed functions / landscapes kept
