"""The real running assistant for the widget tests, and headless Chromium driven by Playwright.

One stack per test package (sandbox, action server, Rasa with the session-trained model, demo page
server), each on a free port of 127.0.0.1. Chromium is Debian's package (scripts/chromium.sh
installs it; scripts/test.sh exports CHROMIUM_PATH); Playwright never downloads a browser.
Screenshots of each step are kept under results/browser/<test>/ as test artifacts.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.run import start, stop_all
from bot.settings import load
from tests.conftest import ROOT, stack_env

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", ROOT / "results" / "browser"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Stack:
    """Where the running assistant answers."""

    bot_url: str  # Rasa: socket.io, REST, /webhooks/widget/*
    demo_url: str  # the demo provincial page with the widget on it (another origin)
    kb_url: str
    processes: list
    api_token: str  # Rasa's HTTP API, for tests that read a tracker as staff tools would


@pytest.fixture(scope="package")
def web_stack(trained_model, kb_url, tmp_path_factory) -> Iterator[Stack]:
    env = stack_env(
        tmp_path_factory.mktemp("web-state"), kb_url, RASA_API_TOKEN=secrets.token_urlsafe(24)
    )
    settings = load(env)
    processes = start(settings, trained_model, env)
    try:
        yield Stack(
            bot_url=settings.public_url,
            demo_url=f"http://{settings.host}:{settings.web_port}/",
            kb_url=kb_url,
            processes=processes,
            api_token=settings.rasa_api_token,
        )
    finally:
        stop_all(processes)


def chromium_path() -> str | None:
    """Debian's Chromium (CHROMIUM_PATH overrides)."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        pytest.fail("Chromium is missing: run scripts/chromium.sh (scripts/test.sh does).")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


class Steps:
    """Numbered screenshots of one test, kept as artifacts."""

    def __init__(self, page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.count = 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)

    def shot(self, name: str, page=None) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        (page or self.page).screenshot(path=str(path), full_page=False)
        return path


@pytest.fixture
def page(browser, request):
    """A fresh browser context (own storage) per test, phone-sized; console errors collected."""
    context = browser.new_context(
        viewport={"width": 412, "height": 860}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def steps(page, request) -> Steps:
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    return Steps(page, ARTIFACTS / name)
