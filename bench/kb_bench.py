"""Knowledge-base benchmark at the size of the national catalogue (6,413 procedures).

For each backend (SQLite file, PostgreSQL from scripts/postgres.sh or KB_BENCH_POSTGRES_URL) a
fresh worker process migrates an empty database, imports the synthetic catalogue through the same
path as ``python -m procedure_kb import`` (parse + validate + one transaction), lists it back,
builds the resolver and times citizen-like queries. Peak memory is the worker's maximum RSS.

    .venv/bin/python bench/kb_bench.py                 # both backends, table + var/bench/*.json
    .venv/bin/python bench/kb_bench.py --backends sqlite --queries 300

Aims on the 2-core machine: import <= 60 s, resolver p95 <= 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_catalogue import NATIONAL_SIZE, _abbreviate, generate  # noqa: E402

from procedure_kb.exchange import read_file, write_file  # noqa: E402
from procedure_kb.text import fold  # noqa: E402

OUT_DIR = ROOT / "var" / "bench"
IMPORT_AIM_S = 60.0
P95_AIM_MS = 20.0


# ------------------------------------------------------------------------------- queries


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 4]
    if not long:
        return text
    i = rng.choice(long)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    words[i] = word[:j] + word[j + 1 :] if rng.random() < 0.5 else word[:j] + word[j] + word[j:]
    return " ".join(words)


def make_queries(procedures: list[dict], count: int, seed: int = 7) -> list[dict]:
    """Citizen-like texts, each with the procedure id it was made from and its kind."""
    rng = random.Random(seed)
    published = [p for p in procedures if p["status"] == "published"]
    kinds = ["name", "no_diacritics", "typo", "abbreviation", "sentence", "short"]
    queries = []
    for n in range(count):
        record = rng.choice(published)
        kind = kinds[n % len(kinds)]
        name = record["name"]
        if kind == "name":
            text = name
        elif kind == "no_diacritics":
            text = fold(name).lower()
        elif kind == "typo":
            text = _typo(fold(name).lower(), rng)
        elif kind == "abbreviation":
            text = fold(_abbreviate(name))
        elif kind == "sentence":
            text = (
                f"Dạ cho em hỏi, em muốn {name.lower()} thì cần chuẩn bị những giấy tờ gì "
                f"và nộp ở đâu ạ? Em ở xã Tân Lập, cảm ơn anh chị nhiều."
            )
        else:
            text = " ".join(record["aliases"][1].split()[:3])
        queries.append({"kind": kind, "text": text, "expected": record["id"]})
    return queries


# ------------------------------------------------------------------------------- worker


def _postgres_url(base: str) -> str:
    """``base`` with its search path on a fresh ``kb_bench`` schema."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(base, future=True)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS kb_bench CASCADE"))
        conn.execute(text("CREATE SCHEMA kb_bench"))
    engine.dispose()
    url = make_url(base).update_query_dict({"options": "-csearch_path=kb_bench"})
    return url.render_as_string(hide_password=False)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_worker(backend: str, url: str, catalogue: Path, queries: int) -> dict:
    """Measure one backend in this process; return the numbers."""
    from procedure_kb import migrations
    from procedure_kb.repository import Repository

    if backend == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        url = _postgres_url(url)
    result: dict = {"backend": backend}
    start = time.perf_counter()
    migrations.upgrade(url)
    result["migrate_s"] = time.perf_counter() - start

    repo = Repository(url)
    start = time.perf_counter()
    written = repo.import_bundle(read_file(catalogue))
    result["import_s"] = time.perf_counter() - start
    result["records"] = written.counts()
    result["peak_rss_after_import_mb"] = _peak_rss_mb()

    start = time.perf_counter()
    listed = repo.list_procedures()
    result["list_procedures_s"] = time.perf_counter() - start
    result["published_procedures"] = len(listed)

    start = time.perf_counter()
    bundle = repo.export_bundle()
    result["export_snapshot_s"] = time.perf_counter() - start

    timings = []
    for _ in range(200):
        start = time.perf_counter()
        repo.revision()
        timings.append((time.perf_counter() - start) * 1000)
    result["revision_ms_p50"] = statistics.median(timings)

    xlsx = catalogue.with_suffix(f".{backend}.xlsx")
    start = time.perf_counter()
    write_file(bundle, xlsx)
    result["xlsx_export_s"] = time.perf_counter() - start
    start = time.perf_counter()
    repo.import_bundle(read_file(xlsx))
    result["xlsx_import_s"] = time.perf_counter() - start
    xlsx.unlink()

    try:
        from procedure_kb.resolver import Resolver
    except ImportError as error:
        result["resolver"] = f"not available: {error}"
        result["peak_rss_mb"] = _peak_rss_mb()
        return result

    resolver = Resolver(repo)
    start = time.perf_counter()
    resolver.prepare()
    result["resolver_build_s"] = time.perf_counter() - start

    cases = make_queries(listed, queries)
    latencies: list[float] = []
    by_kind: dict[str, list[int]] = {}
    kind_latencies: dict[str, list[float]] = {}
    for case in cases:
        start = time.perf_counter()
        resolution = resolver.procedures(case["text"])
        latencies.append((time.perf_counter() - start) * 1000)
        kind_latencies.setdefault(case["kind"], []).append(latencies[-1])
        ids = [c.id for c in resolution.candidates]
        hits = by_kind.setdefault(case["kind"], [0, 0, 0])
        hits[0] += 1
        hits[1] += bool(ids) and ids[0] == case["expected"]
        hits[2] += case["expected"] in ids
    result["queries"] = len(cases)
    result["resolver_ms_p50"] = _percentile(latencies, 0.50)
    result["resolver_ms_p95"] = _percentile(latencies, 0.95)
    result["resolver_ms_p99"] = _percentile(latencies, 0.99)
    result["resolver_ms_max"] = max(latencies)
    result["top1_by_kind"] = {k: round(v[1] / v[0], 3) for k, v in by_kind.items()}
    result["top5_by_kind"] = {k: round(v[2] / v[0], 3) for k, v in by_kind.items()}
    result["p95_ms_by_kind"] = {
        k: round(_percentile(v, 0.95), 1) for k, v in kind_latencies.items()
    }
    result["peak_rss_mb"] = _peak_rss_mb()
    repo.close()
    return result


# ------------------------------------------------------------------------------- driver


def start_postgres() -> tuple[str | None, str]:
    """A PostgreSQL URL (env or scripts/postgres.sh) and a note why not, when there is none."""
    url = os.environ.get("KB_BENCH_POSTGRES_URL") or os.environ.get("KB_TEST_POSTGRES_URL")
    if url:
        return url, ""
    script = ROOT / "scripts" / "postgres.sh"
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        return None, (done.stderr.strip().splitlines() or ["scripts/postgres.sh failed"])[-1]
    return done.stdout.strip().splitlines()[-1], ""


def table(results: list[dict]) -> str:
    """The numbers as a Markdown table."""
    rows = [
        ("import from JSON (s)", "import_s", "{:.1f}"),
        ("re-import from XLSX (s)", "xlsx_import_s", "{:.1f}"),
        ("export to XLSX (s)", "xlsx_export_s", "{:.1f}"),
        ("list_procedures() (s)", "list_procedures_s", "{:.2f}"),
        ("revision() p50 (ms)", "revision_ms_p50", "{:.2f}"),
        ("resolver build (s)", "resolver_build_s", "{:.1f}"),
        ("resolver p50 (ms)", "resolver_ms_p50", "{:.1f}"),
        ("resolver p95 (ms)", "resolver_ms_p95", "{:.1f}"),
        ("resolver p99 (ms)", "resolver_ms_p99", "{:.1f}"),
        ("peak memory after import, RSS (MB)", "peak_rss_after_import_mb", "{:.0f}"),
        ("peak memory with resolver, RSS (MB)", "peak_rss_mb", "{:.0f}"),
    ]
    head = "| measure | " + " | ".join(r["backend"] for r in results) + " |"
    lines = [head, "|---" * (len(results) + 1) + "|"]
    for label, key, fmt in rows:
        cells = [
            fmt.format(r[key]) if isinstance(r.get(key), (int, float)) else "n/a" for r in results
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Knowledge-base benchmark (see module docstring)")
    parser.add_argument("--procedures", type=int, default=NATIONAL_SIZE)
    parser.add_argument("--queries", type=int, default=1200)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--out", default=str(OUT_DIR))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--catalogue", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(run_worker(args.worker, args.url, Path(args.catalogue), args.queries)))
        return 0

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    catalogue = out / "catalogue.json"
    start = time.perf_counter()
    write_file(generate(args.procedures), catalogue)
    print(
        f"generated {args.procedures} procedures in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )

    results, notes = [], []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "sqlite":
            url = f"sqlite:///{out / 'kb-bench.sqlite3'}"
        elif backend == "postgres":
            url, why = start_postgres()
            if url is None:
                notes.append(f"postgres skipped: {why}")
                print(notes[-1], file=sys.stderr)
                continue
        else:
            parser.error(f"unknown backend {backend!r}")
        print(f"measuring {backend} ...", file=sys.stderr)
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                backend,
                "--url",
                url,
                "--catalogue",
                str(catalogue),
                "--queries",
                str(args.queries),
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            notes.append(f"{backend} failed: {done.stderr.strip().splitlines()[-1:]}")
            print(done.stderr, file=sys.stderr)
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))

    report = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "procedures": args.procedures,
        "aims": {"import_s": IMPORT_AIM_S, "resolver_ms_p95": P95_AIM_MS},
        "results": results,
        "notes": notes,
    }
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"kb-bench-{stamp}.json", "kb-bench-latest.json"):
        (out / name).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(table(results))
    for r in results:
        print(f"{r['backend']}: top-1 by query kind {r.get('top1_by_kind')}")
        print(f"{r['backend']}: p95 ms by query kind {r.get('p95_ms_by_kind')}")
    for note in notes:
        print(note)
    ok = all(
        r["import_s"] <= IMPORT_AIM_S and r.get("resolver_ms_p95", 0) <= P95_AIM_MS for r in results
    )
    print(
        f"aims (import <= {IMPORT_AIM_S:.0f} s, p95 <= {P95_AIM_MS:.0f} ms): "
        f"{'met' if ok and results else 'NOT met'}; JSON in {out / 'kb-bench-latest.json'}"
    )
    return 0 if ok and results else 1


if __name__ == "__main__":
    sys.exit(main())
