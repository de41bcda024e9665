"""ui/memory.py: full collections freeze what is alive once per set of imported modules."""

from __future__ import annotations

import gc
import sys
import types

import pytest

from ui import memory


@pytest.fixture
def callback_installed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(memory, "_modules_when_frozen", -1)  # whatever froze before, the modules changed
    installed_before = memory._freeze_if_modules_were_imported in gc.callbacks
    memory.freeze_after_full_collections()
    yield
    if not installed_before:
        gc.callbacks.remove(memory._freeze_if_modules_were_imported)
    gc.unfreeze()  # hand the objects back to the collector, as before the test


def test_a_full_collection_after_new_imports_freezes_what_is_alive(callback_installed) -> None:
    sys.modules["_optimizer_lab_test_module"] = types.ModuleType("_optimizer_lab_test_module")
    try:
        gc.unfreeze()
        gc.collect(2)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # Nothing imported since: the next full collection leaves the permanent generation as it is.
        survivor = [object() for _ in range(1_000)]  # noqa: F841  (alive, but must not be frozen)
        gc.collect(2)
        assert gc.get_freeze_count() == frozen
    finally:
        del sys.modules["_optimizer_lab_test_module"]


def test_young_collections_never_freeze(callback_installed) -> None:
    sys.modules["_optimizer_lab_test_module"] = types.ModuleType("_optimizer_lab_test_module")
    try:
        gc.unfreeze()
        gc.collect(0)
        gc.collect(1)
        assert gc.get_freeze_count() == 0
    finally:
        del sys.modules["_optimizer_lab_test_module"]


def test_installing_twice_adds_one_callback() -> None:
    installed_before = memory._freeze_if_modules_were_imported in gc.callbacks
    try:
        memory.freeze_after_full_collections()
        memory.freeze_after_full_collections()
        assert gc.callbacks.count(memory._freeze_if_modules_were_imported) == 1
    finally:
        if not installed_before:
            gc.callbacks.remove(memory._freeze_if_modules_were_imported)
