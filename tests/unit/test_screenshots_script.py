"""The screenshot script's font check: it warns when the page icons would be drawn as empty boxes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from scripts import screenshots


def fake_fc_list(directory: Path, families: str) -> None:
    """An fc-list on PATH that prints these font families."""
    script = directory / "fc-list"
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' '{families}'\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize(
    ("families", "expected"),
    [("DejaVu Sans\nNoto Color Emoji", True), ("DejaVu Sans\nLiberation Serif", False)],
)
def test_colour_emoji_font_is_found_in_fc_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, families: str, expected: bool
) -> None:
    fake_fc_list(tmp_path, families)
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ["PATH"])
    assert screenshots.has_colour_emoji_font() is expected


def test_without_fc_list_there_is_no_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert screenshots.has_colour_emoji_font() is True
