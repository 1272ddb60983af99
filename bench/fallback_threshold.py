"""Choose the FallbackClassifier threshold by measurement.

    .venv/bin/python -m bench.fallback_threshold [--model models/x.tar.gz]

For each threshold, on the held-out cases: intent accuracy when answers below the threshold turn
into ``nlu_fallback`` (counted as wrong), and the share of held-out questions sent to fallback.
On a list of meaningless inputs: the share caught by fallback (or classified out_of_scope).
The FallbackClassifier keeps the model's own ranking after ``nlu_fallback``, so one parse per text
is enough to simulate every threshold.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.evaluate import latest_model, load_cases, model_parser

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
# Inputs that carry no request; a good threshold sends most of them to fallback.
MEANINGLESS = [
    "asdfgh",
    "qwerty uiop",
    "jjjjjj kkkk",
    "zxcv bnm",
    "abc xyz",
    "hmmmm",
    "lalala",
    "ok ok ok ok ok",
    "123 456 789",
    "aaaaaaa",
    "bla bla",
    "test test",
    "??? !!!",
    "hả",
    "gì cơ",
    "ừm",
    "thế à",
    "vcl",
    "blah",
    "ahihi",
    "kaka",
    "hehe",
    "xin",
    "ờ",
]


def top_intent(result: dict) -> tuple[str | None, float]:
    """The model's best intent and confidence, ignoring nlu_fallback."""
    for item in result.get("intent_ranking") or [result.get("intent") or {}]:
        if item.get("name") != "nlu_fallback":
            return item.get("name"), float(item.get("confidence") or 0.0)
    return None, 0.0


def main(argv: list[str] | None = None) -> int:
    """Print and save accuracy and fallback rates per threshold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--cases", default=str(ROOT / "tests" / "heldout" / "cases.yml"))
    args = parser.parse_args(argv)
    parse = model_parser(args.model or latest_model(ROOT / "models"))
    cases = load_cases(args.cases)
    held = [top_intent(r) for r in parse([c.text for c in cases])]
    noise = [top_intent(r) for r in parse(MEANINGLESS)]
    rows = []
    for threshold in THRESHOLDS:
        correct = sum(
            1 for c, (name, conf) in zip(cases, held) if conf >= threshold and name == c.intent
        )
        fallback = sum(1 for _, conf in held if conf < threshold)
        caught = sum(1 for name, conf in noise if conf < threshold or name == "out_of_scope")
        rows.append(
            {
                "threshold": threshold,
                "heldout_intent_accuracy": round(correct / len(cases), 4),
                "heldout_fallback_rate": round(fallback / len(cases), 4),
                "meaningless_caught": round(caught / len(MEANINGLESS), 4),
            }
        )
    out = ROOT / "var" / "bench" / "fallback_threshold.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
