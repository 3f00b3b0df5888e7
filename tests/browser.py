"""Headless Chromium for the widget's tests: Debian's chromium, driven by Playwright
(Playwright cannot download its own browser on these machines)."""
from __future__ import annotations

import os
import shutil

# The flags this workplace's machines need: no sandbox as root, and no background calls to
# Google's services, which the closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium est introuvable : lancez scripts/install_browser.sh ou indiquez CHROMIUM.")
    return path


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
