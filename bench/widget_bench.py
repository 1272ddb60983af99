"""The chat widget in headless Chromium: asset sizes, time to the greeting, time to an answer over
socket.io and over the REST fallback (side by side in one run), and the page's JavaScript heap.

    python -m bench.widget_bench http://127.0.0.1:5080/ [--runs 10]

Needs ``make run`` in another terminal (the demo page on WEB_PORT, Rasa on RASA_PORT) and
Debian's Chromium (``scripts/chromium.sh``). Prints JSON; docs/widget.md reports the numbers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import requests
from playwright.sync_api import Page, sync_playwright

from bench.dossier_bench import percentile
from tests.web.conftest import CHROMIUM_ARGS, chromium_path

QUESTIONS = [
    "lệ phí làm hộ chiếu bao nhiêu",
    "lam cccd can giay to gi",
    "đăng ký khai sinh mất bao lâu",
    "nộp hồ sơ cấp đổi giấy phép lái xe ở đâu",
]
ASSETS = ["widget.js", "widget.css", "socket.io.min.js"]


def asset_sizes(bot_url: str) -> dict[str, dict[str, int]]:
    """Bytes of each widget file as sent to a browser that does not / does accept gzip."""
    sizes = {}
    for name in ASSETS:
        sent = {}
        for accept in ("identity", "gzip"):
            response = requests.get(
                f"{bot_url}/webhooks/widget/{name}",
                headers={"Accept-Encoding": accept},
                stream=True,
                timeout=10,
            )
            sent[accept] = len(response.raw.read(decode_content=False))
        sizes[name] = {"bytes": sent["identity"], "gzip_bytes_sent": sent["gzip"]}
    return sizes


def bot_messages(page: Page) -> int:
    return page.locator(".tldvc-msg--bot").count()


def one_run(page: Page, demo_url: str, question: str) -> dict[str, float]:
    """Milliseconds: page load → launcher; launcher click → greeting; question → first answer."""
    started = time.perf_counter()
    page.goto(demo_url)
    page.locator("button.tldvc-launcher").wait_for()
    loaded = time.perf_counter()
    page.locator("button.tldvc-launcher").click()
    page.locator(".tldvc-msg--bot").first.wait_for(timeout=60_000)
    greeted = time.perf_counter()
    page.wait_for_timeout(1600)  # the greeting turn is over
    before = bot_messages(page)
    page.locator("textarea.tldvc-input").fill(question)
    asked = time.perf_counter()
    page.keyboard.press("Enter")
    page.locator(".tldvc-msg--bot").nth(before).wait_for(timeout=60_000)
    answered = time.perf_counter()
    return {
        "load_ms": (loaded - started) * 1000,
        "greeting_ms": (greeted - loaded) * 1000,
        "answer_ms": (answered - asked) * 1000,
    }


def heap_after(page: Page, demo_url: str, turns: int) -> dict[str, float]:
    """The page's JS heap (MB, after a forced GC) after ``turns`` questions in one conversation."""
    page.goto(demo_url)
    page.locator("button.tldvc-launcher").click()
    page.locator(".tldvc-msg--bot").first.wait_for(timeout=60_000)
    session = page.context.new_cdp_session(page)
    session.send("HeapProfiler.enable")

    def used() -> float:
        session.send("HeapProfiler.collectGarbage")
        return session.send("Runtime.getHeapUsage")["usedSize"] / 1e6

    first = used()
    for index in range(turns):
        before = bot_messages(page)
        page.locator("textarea.tldvc-input").fill(QUESTIONS[index % len(QUESTIONS)])
        page.keyboard.press("Enter")
        page.locator(".tldvc-msg--bot").nth(before).wait_for(timeout=60_000)
        page.wait_for_timeout(1600)
    return {"after_greeting_mb": round(first, 2), f"after_{turns}_turns_mb": round(used(), 2)}


def summary(values: list[float]) -> dict[str, float | None]:
    return {
        "p50": round(statistics.median(values), 1),
        "p95": round(percentile(values, 95) or 0, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("demo_url", nargs="?", default="http://127.0.0.1:5080/")
    parser.add_argument("--bot-url", default="http://127.0.0.1:5005")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    results: dict = {"assets": asset_sizes(args.bot_url)}
    timings: dict[str, list[dict]] = {"socketio": [], "rest": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        # Interleaved, so both transports see the same machine load.
        for index in range(args.runs):
            for transport in timings:
                context = browser.new_context(viewport={"width": 412, "height": 860})
                page = context.new_page()
                if transport == "rest":
                    page.route("**/socket.io/**", lambda route: route.abort())
                question = QUESTIONS[index % len(QUESTIONS)]
                timings[transport].append(one_run(page, args.demo_url, question))
                context.close()
        context = browser.new_context(viewport={"width": 412, "height": 860})
        results["heap"] = heap_after(context.new_page(), args.demo_url, turns=20)
        context.close()
        browser.close()
    for transport, runs in timings.items():
        results[transport] = {
            key: summary([run[key] for run in runs])
            for key in ("load_ms", "greeting_ms", "answer_ms")
        }
    results["runs"] = args.runs
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
