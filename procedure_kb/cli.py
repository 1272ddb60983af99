"""Command line of the knowledge base: ``python -m procedure_kb [--db URL] COMMAND``.

Exit codes: 0 done; 1 the data or file is wrong (nothing written); 2 bad command line;
3 the database cannot be used (unreachable, not migrated); 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from procedure_kb.bundle import KINDS
from procedure_kb.database import DatabaseNotReady, safe_url
from procedure_kb.exchange import FileFormatError, read_file, write_file
from procedure_kb.loader import DATA_DIR, read_folder
from procedure_kb.validation import ValidationError, validate_bundle

OK, BAD_DATA, USAGE, NO_DATABASE, INTERRUPTED = 0, 1, 2, 3, 130


def default_url() -> str:
    """The knowledge-base URL from the project settings (env ``KB_DATABASE_URL``)."""
    from bot.settings import load

    return load().kb_database_url


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in counts.items())


def cmd_migrate(args: argparse.Namespace) -> int:
    from procedure_kb import migrations

    reached = migrations.upgrade(args.db)
    print(f"{safe_url(args.db)}: schema at {reached}")
    return OK


def cmd_load(args: argparse.Namespace) -> int:
    from procedure_kb import migrations
    from procedure_kb.repository import Repository

    migrations.upgrade(args.db)
    repo = Repository(args.db)
    if args.if_empty and any(repo.counts().values()):
        print(
            f"{safe_url(args.db)} already holds records; left as it is (revision {repo.revision()})"
        )
        repo.close()
        return OK
    bundle = read_folder(args.data)
    try:
        written = repo.import_bundle(bundle, progress=True)
        print(
            f"loaded {_counts(written.counts())} into {safe_url(args.db)}; "
            f"revision {repo.revision()}"
        )
    finally:
        repo.close()
    return OK


def cmd_validate(args: argparse.Namespace) -> int:
    from procedure_kb import migrations
    from procedure_kb.repository import Repository

    path = Path(args.path)
    bundle = read_folder(path) if path.is_dir() else read_file(path)
    base, against = None, "on its own"
    try:  # a folder is a whole catalogue; a file may point at records already in the database
        if not path.is_dir() and migrations.current(args.db):
            repo = Repository(args.db)
            try:
                base, against = repo.references(), f"against {safe_url(args.db)}"
            finally:
                repo.close()
    except DatabaseNotReady:
        pass
    clean = validate_bundle(bundle, base)
    print(f"{path}: {_counts(clean.counts())} valid (checked {against})")
    return OK


def cmd_import(args: argparse.Namespace) -> int:
    from procedure_kb.repository import Repository

    bundle = read_file(args.file)
    repo = Repository(args.db)
    try:
        written = repo.import_bundle(bundle, progress=True)
        print(f"imported {_counts(written.counts())} from {args.file}; revision {repo.revision()}")
    finally:
        repo.close()
    return OK


def cmd_export(args: argparse.Namespace) -> int:
    from procedure_kb.repository import Repository

    repo = Repository(args.db)
    try:
        bundle = repo.export_bundle(include_drafts=not (args.published_only or args.public))
    finally:
        repo.close()
    if args.public:
        from procedure_kb.exchange import public_bundle
        from procedure_kb.office import national_hotline
        from procedure_kb.periods import today_in_vietnam

        day = args.as_of or today_in_vietnam()
        bundle = public_bundle(bundle, day, national_hotline())
    if args.kind:
        for kind in KINDS:
            if kind != args.kind:
                bundle.of(kind).clear()
    write_file(bundle, args.file)
    print(f"exported {_counts(bundle.counts())} to {args.file}")
    return OK


def cmd_search(args: argparse.Namespace) -> int:
    from procedure_kb.repository import Repository

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # spaCy's thinc may import TensorFlow
    try:
        from procedure_kb.resolver import Resolver
    except ImportError as error:
        print(f"error: the resolver is not available ({error})", file=sys.stderr)
        return NO_DATABASE
    repo = Repository(args.db)
    try:
        resolver = Resolver(repo)
        lookup = {
            "procedure": resolver.procedures,
            "faq": resolver.faqs,
            "document": resolver.documents,
        }[args.kind]
        result = lookup(args.text)
    finally:
        repo.close()
    if not result.candidates:
        print("no candidates")
    for rank, candidate in enumerate(result.candidates, start=1):
        print(f"{rank:>2}  {candidate.id:<40} {candidate.score:.3f}  {candidate.name}")
    print(
        f"matched: {'yes' if result.matched else 'no'}; "
        f"ambiguous: {'yes' if result.ambiguous else 'no'}"
    )
    return OK


def cmd_feedback(args: argparse.Namespace) -> int:
    from procedure_kb.repository import Repository

    repo = Repository(args.db)
    try:
        rows = repo.list_feedback(kind=args.kind, limit=args.limit)
        summary = repo.feedback_summary()
    finally:
        repo.close()
    if not rows:
        print("no feedback")
    for row in rows:
        text = row["comment"] or row["answer"] or ""
        shown = text if len(text) <= 60 else text[:59] + "…"
        print(
            f"{row['created_at']:%Y-%m-%d %H:%M}  {row['kind']:<7} {row['rating']:<11} "
            f"{row['channel']:<7} {row['session_id'][:16]:<16}  {shown}".rstrip()
        )
    for kind, ratings in summary.items():
        counts = ", ".join(f"{n} {rating}" for rating, n in ratings.items())
        print(f"{kind}: {counts}")
    return OK


def cmd_helper_stats(args: argparse.Namespace) -> int:
    from datetime import datetime, timedelta, timezone

    from procedure_kb.helper_stats import HelperStats, vietnam_day

    last = vietnam_day(datetime.now(timezone.utc))
    first = last - timedelta(days=args.days - 1)
    stats = HelperStats(args.db)
    try:
        summary = stats.summary(first, last, team_code=args.team, top=args.top)
    finally:
        stats.close()
    team = f", team {args.team.strip().upper()}" if args.team else ""
    print(f"helper mode, {first:%Y-%m-%d} to {last:%Y-%m-%d} (days in Vietnam){team}")
    if not summary.per_day:
        print("no conversations")
        return OK
    print(f"{'day':<10}  {'team':<32}  {'people':>6}  {'messages':>8}")
    for day, code, people, messages in summary.per_day:
        print(f"{day:%Y-%m-%d}  {code or '-':<32}  {people:>6}  {messages:>8}")
    print("per team:")
    for code, people in summary.per_team:
        print(f"  {code or '-':<32}  {people:>6}")
    print("top procedures:")
    for procedure_id, count in summary.procedures:
        print(f"  {procedure_id:<40}  {count:>6}")
    ended = ", ".join(f"{n} {how}" for how, n in summary.ended_by.items())
    print(f"people helped: {summary.people} (ended: {ended})")
    return OK


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the docs)."""
    parser = argparse.ArgumentParser(
        prog="python -m procedure_kb",
        description="Knowledge base of the Trợ lý Dịch vụ công: procedures, documents, FAQs.",
    )
    parser.add_argument("--db", help="database URL (default: KB_DATABASE_URL from bot.settings)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("migrate", help="create or upgrade the database schema").set_defaults(
        run=cmd_migrate
    )
    load = commands.add_parser("load", help="migrate, then load the bundled YAML data")
    load.add_argument("--data", default=str(DATA_DIR), help="data folder (default: bundled)")
    load.add_argument(
        "--if-empty",
        action="store_true",
        help="only load into an empty database (keeps the edits staff made since)",
    )
    load.set_defaults(run=cmd_load)

    validate = commands.add_parser("validate", help="check a data folder or an exchange file")
    validate.add_argument(
        "path", nargs="?", default=str(DATA_DIR), help="folder or .json/.csv/.xlsx"
    )
    validate.set_defaults(run=cmd_validate)

    imp = commands.add_parser("import", help="import a .json, .csv or .xlsx file (all or nothing)")
    imp.add_argument("file")
    imp.set_defaults(run=cmd_import)

    exp = commands.add_parser("export", help="export to a .json, .csv or .xlsx file")
    exp.add_argument("file")
    exp.add_argument("--kind", choices=KINDS, help="only records of this kind")
    exp.add_argument("--published-only", action="store_true", help="leave out drafts and retired")
    exp.add_argument(
        "--public",
        action="store_true",
        help="for readers outside the staff: published records as on one day, doubtful values "
        "replaced by where to confirm them (not for re-import)",
    )
    exp.add_argument(
        "--as-of",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="with --public: the day whose values are written (default: today in Vietnam)",
    )
    exp.set_defaults(run=cmd_export)

    search = commands.add_parser("search", help="rank records for a citizen's text")
    search.add_argument("text")
    search.add_argument("--kind", choices=("procedure", "faq", "document"), default="procedure")
    search.set_defaults(run=cmd_search)

    feedback = commands.add_parser(
        "feedback", help="print the latest ratings from the web widget and a summary"
    )
    feedback.add_argument("--kind", choices=("answer", "session"), help="only this kind")
    feedback.add_argument(
        "--limit", type=_positive, default=20, help="how many ratings (default 20)"
    )
    feedback.set_defaults(run=cmd_feedback)

    helper = commands.add_parser(
        "helper-stats",
        help="people helped in the widget's helper mode, per day and team code; top procedures",
    )
    helper.add_argument(
        "--days", type=_positive, default=30, help="the last N days, today included (default 30)"
    )
    helper.add_argument("--team", help="only this team code")
    helper.add_argument(
        "--top", type=_positive, default=10, help="how many procedures (default 10)"
    )
    helper.set_defaults(run=cmd_helper_stats)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    try:
        args.db = args.db or default_url()
        return args.run(args)
    except ValidationError as error:
        written = "" if args.command == "validate" else "; nothing was written"
        print(f"error: {len(error.problems)} problem(s){written}:", file=sys.stderr)
        print(str(error), file=sys.stderr)
        return BAD_DATA
    except (FileFormatError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_DATA
    except ArgumentError as error:
        print(f"error: invalid database URL: {error}", file=sys.stderr)
        return USAGE
    except DatabaseNotReady as error:
        print(f"error: {error}", file=sys.stderr)
        return NO_DATABASE
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        print(f"error: database error: {reason}", file=sys.stderr)
        return NO_DATABASE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
