"""Latency of a dossier lookup through the Rasa REST channel, against the sandbox.

    python bench/dossier_bench.py http://127.0.0.1:5005 [--lookups 40] [--concurrency 1]

Needs the running stack (``make run``: sandbox one-stop service, action server, Rasa with a
trained model). Each lookup is one conversation with three messages: "tra cứu hồ sơ", the code of
a sandbox demo dossier, its verification digits. The third message is the one that calls the
one-stop system; its latency is the lookup latency. Prints p50/p95 (ms) as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from onestop_sandbox.seed import DEMOS  # noqa: E402

MAX_LOOKUPS = 500
MAX_CONCURRENCY = 8


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of ``values`` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def say(session: requests.Session, url: str, sender: str, text: str) -> tuple[float, str]:
    """Send one message; return (milliseconds, joined reply text)."""
    started = time.perf_counter()
    response = session.post(url, json={"sender": sender, "message": text}, timeout=30)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed, "\n".join(m.get("text") or "" for m in response.json())


def one_lookup(url: str, index: int) -> dict:
    """A whole lookup in a fresh conversation; which demo dossier depends on ``index``."""
    demo = DEMOS[index % len(DEMOS)]
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    with requests.Session() as session:
        try:
            open_ms, _ = say(session, url, sender, "tra cứu hồ sơ")
            code_ms, _ = say(session, url, sender, demo.code)
            lookup_ms, reply = say(session, url, sender, demo.phone_last4)
        except requests.RequestException as error:
            return {"ok": False, "error": type(error).__name__}
    return {
        "ok": "Tình trạng:" in reply,
        "open_ms": open_ms,
        "code_ms": code_ms,
        "lookup_ms": lookup_ms,
        "total_ms": open_ms + code_ms + lookup_ms,
    }


def summarise(results: list[dict]) -> dict:
    ok = [r for r in results if r["ok"]]

    def stats(key: str) -> dict:
        values = [r[key] for r in ok]
        return {
            "p50": round(percentile(values, 50), 1) if values else None,
            "p95": round(percentile(values, 95), 1) if values else None,
            "mean": round(statistics.fmean(values), 1) if values else None,
        }

    return {
        "lookups": len(results),
        "answered": len(ok),
        "failed": len(results) - len(ok),
        "lookup_message_ms": stats("lookup_ms"),
        "code_message_ms": stats("code_ms"),
        "whole_lookup_ms": stats("total_ms"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="Rasa server, e.g. http://127.0.0.1:5005")
    parser.add_argument("--lookups", type=int, default=40, help=f"at most {MAX_LOOKUPS}")
    parser.add_argument("--concurrency", type=int, default=1, help=f"at most {MAX_CONCURRENCY}")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    lookups = max(1, min(args.lookups, MAX_LOOKUPS))
    workers = max(1, min(args.concurrency, MAX_CONCURRENCY))
    url = args.base_url.rstrip("/") + "/webhooks/rest/webhook"

    one_lookup(url, 0)  # warm-up (model, connections); not counted
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda i: one_lookup(url, i), range(lookups)))
    report = summarise(results) | {"concurrency": workers, "url": url}
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0 if report["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
