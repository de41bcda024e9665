"""The numerics of Optimizer Lab: optimizer rules, the batched stepping engine, numpy and torch backends.

    from surfaces import get_surface
    from optim_core import AdaBelief, run

    traj = run(get_surface("beale"), AdaBelief(lr=1e-3), start=(-2.5, -2.5), steps=20_000)
    traj.xy, traj.loss, traj.denom, traj.diverged_at

No streamlit here: everything is usable from a notebook.
"""

from optim_core.backends import ArrayOps, best_device
from optim_core.engine import DEFAULT_BOUND, run
from optim_core.optimizers import OPTIMIZERS, SGD, AdaBelief, Adagrad, Adam, Optimizer, RMSProp
from optim_core.sweeps import sweep
from optim_core.trajectory import DIVERGED, LEFT_DOMAIN, Outcome, Trajectory

__all__ = [
    "DEFAULT_BOUND",
    "DIVERGED",
    "LEFT_DOMAIN",
    "OPTIMIZERS",
    "SGD",
    "AdaBelief",
    "Adagrad",
    "Adam",
    "ArrayOps",
    "Optimizer",
    "Outcome",
    "RMSProp",
    "Trajectory",
    "best_device",
    "run",
    "sweep",
]
