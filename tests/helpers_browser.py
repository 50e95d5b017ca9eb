"""Headless Chromium with the network blocked, for the pages users open: the report and the
notebook pages. The browser is Debian's chromium (.ci/run installs it); without it the tests skip."""
from __future__ import annotations

import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package "
                                                             "'chromium'); .ci/run installs it")
LOCAL = ("file:", "data:")


@contextmanager
def offline_page(width: int = 1300, height: int = 900):
    """A page that loads file: and data: addresses only; yields it with the errors it logs and every
    address it asked for (those refused included)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        page = browser.new_page(viewport={"width": width, "height": height})
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def block(route):
            requests.append(route.request.url)
            if route.request.url.startswith(LOCAL):
                route.continue_()
            else:
                route.abort()

        page.route("**/*", block)
        try:
            yield page, errors, requests
        finally:
            browser.close()
