"""Headless Chromium (Debian's package) driven by Playwright, for the real-browser tests."""
from __future__ import annotations

import contextlib
import shutil

from conftest import require_tool

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return require_tool("chromium", "REQUIRE_BROWSER")


@contextlib.contextmanager
def open_browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class PageLog:
    """Opens a file:// page offline and records console errors, page errors and network requests."""

    def __init__(self, browser, path):
        self.context = browser.new_context(offline=True)
        self.page = self.context.new_page()
        self.errors, self.requests = [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.resolve().as_uri(), wait_until="load")

    def close(self):
        self.context.close()
