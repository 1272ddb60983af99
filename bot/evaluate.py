"""Score the assistant on evaluation cases in the contract's format.

    python -m bot.evaluate CASES.yml [--model models/x.tar.gz] [--out RESULT.json]

Intents come from the trained Rasa model; ``procedure`` and ``faq`` are resolved through
:mod:`actions.resolution`, the same code the actions answer with.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FIELDS = ("intent", "procedure", "faq")


@dataclass
class Case:
    """One evaluation case: the text and the expected labels."""

    text: str
    intent: str
    procedure: str | None = None
    faq: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Prediction:
    """What the assistant made of one text."""

    intent: str | None
    procedure: str | None = None
    faq: str | None = None


def load_cases(path: str | Path) -> list[Case]:
    """Read a cases file (``version: 1``, ``cases: [...]``)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    cases = []
    for raw in data.get("cases") or []:
        cases.append(
            Case(
                text=str(raw["text"]),
                intent=str(raw["intent"]),
                procedure=raw.get("procedure"),
                faq=raw.get("faq"),
                tags=list(raw.get("tags") or []),
            )
        )
    return cases


def macro_f1(gold: list[str], predicted: list[str | None]) -> float | None:
    """Macro-averaged F1 over the labels that occur in ``gold``."""
    if not gold:
        return None
    scores = []
    for label in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, predicted) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return round(sum(scores) / len(scores), 4)


def _accuracy(pairs: list[tuple[Any, Any]]) -> float | None:
    if not pairs:
        return None
    return round(sum(1 for gold, got in pairs if gold == got) / len(pairs), 4)


def _scores(cases: list[Case], predictions: list[Prediction], resolved: bool) -> dict[str, Any]:
    scores: dict[str, Any] = {"n": len(cases)}
    scores["intent_accuracy"] = _accuracy(
        [(c.intent, p.intent) for c, p in zip(cases, predictions)]
    )
    scores["intent_macro_f1"] = macro_f1([c.intent for c in cases], [p.intent for p in predictions])
    for name in ("procedure", "faq"):
        pairs = [
            (getattr(c, name), getattr(p, name))
            for c, p in zip(cases, predictions)
            if getattr(c, name)
        ]
        scores[f"{name}_accuracy"] = _accuracy(pairs) if resolved else None
    return scores


def score(
    cases: list[Case], predictions: list[Prediction], resolved: bool = True
) -> dict[str, Any]:
    """The contract's result: totals, scores by tag and by intent, and every error."""
    result = _scores(cases, predictions, resolved)
    groups: dict[str, list[int]] = defaultdict(list)
    by_intent: dict[str, list[int]] = defaultdict(list)
    for index, case in enumerate(cases):
        for tag in case.tags:
            groups[tag].append(index)
        by_intent[case.intent].append(index)

    def subset(indices: list[int]) -> dict[str, Any]:
        return _scores([cases[i] for i in indices], [predictions[i] for i in indices], resolved)

    result["by_tag"] = {tag: subset(idx) for tag, idx in sorted(groups.items())}
    result["by_intent"] = {name: subset(idx) for name, idx in sorted(by_intent.items())}
    errors = []
    for case, prediction in zip(cases, predictions):
        for name in FIELDS:
            expected = getattr(case, name)
            if not expected or (name != "intent" and not resolved):
                continue
            got = getattr(prediction, name)
            if got != expected:
                errors.append({"text": case.text, "field": name, "expected": expected, "got": got})
    result["errors"] = errors
    return result


def latest_model(directory: str | Path = "models") -> Path:
    """The newest trained model archive in ``directory``."""
    archives = sorted(Path(directory).glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not archives:
        raise FileNotFoundError(f"Không tìm thấy mô hình trong {directory}/. Hãy chạy: make train")
    return archives[-1]


def model_parser(model_path: str | Path) -> Callable[[list[str]], list[dict[str, Any]]]:
    """Load a trained Rasa model and return a function that parses texts with it."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))

    def parse(texts: list[str]) -> list[dict[str, Any]]:
        async def run() -> list[dict[str, Any]]:
            return [await agent.parse_message(text) for text in texts]

        return asyncio.run(run())

    return parse


def predict(
    cases: Iterable[Case],
    parse: Callable[[list[str]], list[dict[str, Any]]],
    resolve: Callable[[str, list[dict[str, Any]]], tuple[str | None, str | None]] | None,
) -> list[Prediction]:
    """Parse every case with the model and resolve procedure/FAQ ids when a resolver is given."""
    cases = list(cases)
    parsed = parse([c.text for c in cases])
    predictions = []
    for case, result in zip(cases, parsed):
        intent = (result.get("intent") or {}).get("name")
        procedure = faq = None
        if resolve is not None:
            procedure, faq = resolve(case.text, result.get("entities") or [])
        predictions.append(Prediction(intent=intent, procedure=procedure, faq=faq))
    return predictions


def knowledge_base_resolver() -> (
    Callable[[str, list[dict[str, Any]]], tuple[str | None, str | None]]
):
    """The resolution the actions use: procedure from entities/text, FAQ from text."""
    from actions.resolution import resolve_faq_id, resolve_procedure_id

    def resolve(text: str, entities: list[dict[str, Any]]) -> tuple[str | None, str | None]:
        return resolve_procedure_id(text, entities), resolve_faq_id(text)

    return resolve


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", help="YAML file of evaluation cases")
    parser.add_argument("--model", help="model archive (default: newest in models/)")
    parser.add_argument("--out", help="write the JSON result here too")
    parser.add_argument(
        "--no-resolver", action="store_true", help="score intents only (procedure/faq null)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    cases = load_cases(args.cases)
    model = Path(args.model) if args.model else latest_model()
    resolve = None if args.no_resolver else knowledge_base_resolver()
    predictions = predict(cases, model_parser(model), resolve)
    result = score(cases, predictions, resolved=resolve is not None)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
