"""Keep Python's full garbage collection cheap, so it does not stall the reply to a slider move.

Streamlit runs `gc.collect(2)` after every script run (`runner.postScriptGC`), on the script thread,
while the run's last messages still wait to leave the server. A full collection walks every tracked
object, and this process holds millions that live as long as the server does (sympy, plotly, numpy and
torch modules, compiled surfaces): measured on the playground, 93–155 ms per rerun, the largest single
item between a key press and the updated chart. `gc.freeze()` moves the objects alive now into a
permanent generation that collections skip; the same collection then takes 1–5 ms.

`freeze_after_full_collections()` installs a gc callback: right after a full collection, if modules were
imported since the last freeze (the playground's first run imports sympy and plotly, the sweeps page
torch), everything still alive is frozen. Freezing right after a collection freezes no garbage and adds
no collection of its own. What it costs: reference cycles among objects alive at that moment are never
collected (objects without cycles are still freed by reference counting); they are modules and the
server's caches, which live as long as the server does.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

_modules_when_frozen = 0


def _freeze_if_modules_were_imported(phase: str, info: dict[str, Any]) -> None:
    global _modules_when_frozen
    if phase != "stop" or info.get("generation") != 2 or len(sys.modules) == _modules_when_frozen:
        return
    _modules_when_frozen = len(sys.modules)
    # The collection has finished when "stop" is reported: the generations are consistent to move.
    gc.freeze()


def freeze_after_full_collections() -> None:
    """Install the freezing callback once per process (calling it again does nothing)."""
    if _freeze_if_modules_were_imported not in gc.callbacks:
        gc.callbacks.append(_freeze_if_modules_were_imported)
