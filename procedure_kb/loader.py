"""Read the YAML folders ``procedure_kb/data/{procedures,documents,faqs}/<id>.yml``."""

from __future__ import annotations

from pathlib import Path

import yaml

from procedure_kb.bundle import DOCUMENT, FAQ, PROCEDURE, Bundle
from procedure_kb.validation import Problem, ValidationError

DATA_DIR = Path(__file__).resolve().parent / "data"
FOLDERS = {DOCUMENT: "documents", PROCEDURE: "procedures", FAQ: "faqs"}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_folder(root: Path | str = DATA_DIR) -> Bundle:
    """All records under ``root``, unvalidated; ValidationError for unreadable files.

    Each file holds one record whose ``id`` must equal the file name without ``.yml``.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no knowledge-base folder at {root}")
    bundle = Bundle()
    problems: list[Problem] = []
    for kind, folder in FOLDERS.items():
        paths = sorted((root / folder).glob("*.yml")) + sorted((root / folder).glob("*.yaml"))
        for path in paths:
            location = str(path.relative_to(root))
            try:
                data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
            except (yaml.YAMLError, UnicodeDecodeError) as error:
                reason = " ".join(str(error).split())
                problems.append(
                    Problem(kind, path.stem, "(file)", f"unreadable: {reason}", location)
                )
                continue
            if isinstance(data, dict) and data.get("id") != path.stem:
                problems.append(
                    Problem(
                        kind,
                        str(data.get("id")),
                        "id",
                        f"must equal the file name {path.stem!r}",
                        location,
                    )
                )
            bundle.add(kind, data, location)
    if problems:
        raise ValidationError(problems)
    return bundle
