"""Train NLU pipelines side by side on the same data and score them on the held-out cases.

    .venv/bin/python -m bench.nlu_compare [--cases tests/heldout/cases.yml] [--epochs 80]
        [--variants project,project-no-augment,rasa-default]

Variants:
- project: config.yml (underthesea tokenizer, folded lemmas, word + char n-grams) trained on
  data/nlu plus the generated unmarked copies (what `make train` does);
- project-no-augment: the same pipeline without the unmarked copies;
- rasa-default: the pipeline `rasa init` writes (WhitespaceTokenizer, char_wb 1-4, DIET...)
  trained on the same data as `project`.
Each variant is trained in its own temporary folder (same machine, same run). Results are printed
and written to var/bench/nlu_compare.json; docs/nlu.md reports them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bot.augment import examples_by_intent, folded_copies, render
from bot.evaluate import knowledge_base_resolver, load_cases, model_parser, predict, score

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")
DEFAULT_PIPELINE = [
    {"name": "WhitespaceTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 100, "constrain_similarities": True},
    {"name": "EntitySynonymMapper"},
    {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
]


def project_config() -> dict:
    """config.yml as committed."""
    return yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))


def tweak(config: dict, component: str, **options: object) -> dict:
    """Change options of the pipeline component whose name ends with ``component``."""
    for item in config["pipeline"]:
        if item["name"].endswith(component):
            item.update(options)
    return config


def with_epochs(config: dict, epochs: int) -> dict:
    """Set the DIET epochs so every variant trains as long."""
    for component in config["pipeline"]:
        if component["name"] == "DIETClassifier":
            component["epochs"] = epochs
    return config


def nlu_folder(work: Path, augment: bool) -> Path:
    """Copy data/nlu (minus generated files) and optionally add the unmarked copies."""
    folder = work / "nlu"
    shutil.copytree(ROOT / "data" / "nlu", folder, ignore=shutil.ignore_patterns("generated"))
    if augment:
        copies = folded_copies(examples_by_intent(ROOT / "data" / "nlu"))
        (folder / "no_diacritics.yml").write_text(render(copies), encoding="utf-8")
    return folder


def train(name: str, config: dict, data: Path, work: Path) -> tuple[Path, float]:
    """Train an NLU-only model; return its path and the wall time in seconds."""
    config_path = work / f"{name}.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(
        [
            RASA,
            "train",
            "nlu",
            "--quiet",
            "--config",
            str(config_path),
            "--nlu",
            str(data),
            "--out",
            str(work / "models"),
            "--fixed-model-name",
            name,
        ],
        cwd=work,
        check=True,
    )
    return work / "models" / f"{name}.tar.gz", time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Train each variant, score it, print and save a comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=str(ROOT / "tests" / "heldout" / "cases.yml"))
    parser.add_argument("--epochs", type=int, default=80)
    parser.add_argument("--variants", default="project,project-no-augment,rasa-default")
    parser.add_argument("--intents-only", action="store_true", help="skip procedure/FAQ scoring")
    args = parser.parse_args(argv)

    cases = load_cases(args.cases)
    resolve = None if args.intents_only else knowledge_base_resolver()
    variants = {
        "project": (project_config(), True),
        "project-no-augment": (project_config(), False),
        "project-space-lemma": (
            tweak(project_config(), "VietnameseTokenizer", lemma_joiner=" "),
            True,
        ),
        "project-underscore-lemma": (
            tweak(project_config(), "VietnameseTokenizer", lemma_joiner="_"),
            True,
        ),
        "project-underthesea-unmarked": (
            tweak(project_config(), "VietnameseTokenizer", unmarked_text="underthesea"),
            True,
        ),
        "project-diet-2x256": (
            tweak(
                project_config(),
                "DIETClassifier",
                number_of_transformer_layers=2,
                transformer_size=256,
            ),
            True,
        ),
        "rasa-default": ({**project_config(), "pipeline": DEFAULT_PIPELINE}, True),
    }
    report = {}
    for name in args.variants.split(","):
        config, augment = variants[name]
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            model, seconds = train(
                name, with_epochs(config, args.epochs), nlu_folder(work, augment), work
            )
            predictions = predict(cases, model_parser(model), resolve)
            result = score(cases, predictions, resolved=resolve is not None)
        tags = result["by_tag"]
        report[name] = {
            "train_seconds": round(seconds, 1),
            "n": result["n"],
            "intent_accuracy": result["intent_accuracy"],
            "intent_macro_f1": result["intent_macro_f1"],
            "intent_accuracy_diacritics": tags.get("diacritics", {}).get("intent_accuracy"),
            "intent_accuracy_no_diacritics": tags.get("no_diacritics", {}).get("intent_accuracy"),
            "procedure_accuracy": result["procedure_accuracy"],
            "faq_accuracy": result["faq_accuracy"],
        }
        print(json.dumps({name: report[name]}, ensure_ascii=False), flush=True)
    out = ROOT / "var" / "bench" / "nlu_compare.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
