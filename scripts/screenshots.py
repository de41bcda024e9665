"""Refresh the README's screenshots: serve the app, open every page in Chromium, save one PNG per page.

Run from the repository root: `make screenshots` (or `python -m scripts.screenshots`). The files go to
docs/screenshots/<page>.png ("home" for app.py). A page that shows an error is reported and the script
exits with status 1, so a broken page never becomes the README's picture silently.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.e2e.helpers import (
    REPO_ROOT,
    VIEWPORT,
    discover_pages,
    exception_texts,
    launch_chromium,
    missing_browser_requirements,
    open_page,
    running_app,
    wait_for_figures,
)

SCREENSHOT_DIR = REPO_ROOT / "docs" / "screenshots"
EMOJI_FONT_HINT = (
    "no colour emoji font found: the page icons will show as empty boxes in the screenshots"
    " (on Debian: apt-get install -y fonts-noto-color-emoji)"
)


def has_colour_emoji_font() -> bool:
    """Whether fontconfig knows a colour emoji font, which Chromium needs to draw the page icons.

    Without fc-list there is no way to tell, so the answer is yes (no warning)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return True
    fonts = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, check=False).stdout
    return "emoji" in fonts.lower()


def save_screenshots(output_dir: Path = SCREENSHOT_DIR) -> list[str]:
    """Save a screenshot of every page; returns one line per page that showed an error."""
    from playwright.sync_api import sync_playwright

    output_dir.mkdir(parents=True, exist_ok=True)
    problems = []
    with running_app() as base_url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for app_page in discover_pages():
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                open_page(page, base_url, app_page.url_path)
                drawn = wait_for_figures(page)
                # Let the figures finish their first transition before the picture is taken.
                page.wait_for_timeout(500)
                target = output_dir / f"{app_page.name}.png"
                page.screenshot(path=str(target))
                print(f"{target.relative_to(REPO_ROOT)}: {drawn} figure(s)")
                if exception_texts(page):
                    problems.append(f"{app_page.script.name} shows an error")
                context.close()
        finally:
            browser.close()
    return problems


def main() -> int:
    missing = missing_browser_requirements()
    if missing:
        print("screenshots need " + " and ".join(missing), file=sys.stderr)
        return 1
    if not has_colour_emoji_font():
        print(EMOJI_FONT_HINT, file=sys.stderr)
    problems = save_screenshots()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
