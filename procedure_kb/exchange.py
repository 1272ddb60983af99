"""Import and export files in JSON, CSV and XLSX, in a layout staff can edit in a spreadsheet.

* JSON: ``{"format": "procedure_kb", "version": 1, "documents": [...], "procedures": [...],
  "faqs": [...]}`` with records exactly in the file shape (dates as ``YYYY-MM-DD``).
* XLSX: one sheet per kind (``procedures``, ``documents``, ``faqs``) plus a ``huong-dan`` sheet of
  instructions that import ignores; one row per record, one column per field.
* CSV: one file, one row per record, a first column ``kind`` (procedure, document, faq) and the
  union of the columns; a cell of a column that does not belong to the row's kind must be empty.

In rows, list fields (aliases, keywords, conditions, steps, members, phrasings, ...) hold one entry
per line of the cell; the nested parts ``submission``, ``documents`` and ``legal_basis`` hold JSON.
Reading only parses; the repository validates and writes everything in one transaction.

A *public* export (:func:`public_bundle`, ``export --public``) is for readers outside the staff
(other sites, open data): published records as they hold on one day, every value the display rule
of :mod:`procedure_kb.review` withholds replaced by the line that says which part to confirm and
where, and the staff notes replaced by the names of the parts in doubt. It is not meant to be
imported back.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from procedure_kb.bundle import (
    DOCUMENT_FIELDS,
    FAQ_FIELDS,
    FIELDS,
    KINDS,
    PLURAL,
    PROCEDURE_FIELDS,
    Bundle,
)
from procedure_kb.periods import as_of
from procedure_kb.review import WITHHELD, decide, flags, label, withheld_line
from procedure_kb.validation import Problem, ValidationError, normalize_record
from procedure_kb.wording import fee_text

FORMAT = "procedure_kb"
VERSION = 1
FORMATS = ("json", "csv", "xlsx")
JSON_CELLS = frozenset({"submission", "documents", "legal_basis"})
LIST_CELLS = frozenset(
    {
        "aliases",
        "keywords",
        "conditions",
        "steps",
        "members",
        "needs_review",
        "phrasings",
        "related_procedures",
        "replaced_by",
    }
)
SHEETS = {kind: PLURAL[kind] for kind in KINDS}
GUIDE_SHEET = "huong-dan"
CSV_COLUMNS = ("kind",) + tuple(dict.fromkeys(PROCEDURE_FIELDS + DOCUMENT_FIELDS + FAQ_FIELDS))
XLSX_CELL_LIMIT = 32_767
GUIDE = (
    "Hướng dẫn sửa tệp cơ sở tri thức (procedure_kb)",
    "Mỗi trang tính là một loại bản ghi: procedures (thủ tục), documents (giấy tờ), "
    "faqs (hỏi đáp).",
    "Mỗi dòng là một bản ghi; cột id là mã bản ghi, không trùng nhau. "
    "Không đổi tên trang và tên cột.",
    "Cột danh sách (aliases, keywords, conditions, steps, members, phrasings, needs_review...): "
    "mỗi mục một dòng trong ô (Alt+Enter).",
    "Cột submission, documents, legal_basis: viết theo dạng JSON như khi xuất ra.",
    "Ngày viết theo dạng YYYY-MM-DD. Cột code (mã thủ tục) định dạng Văn bản (Text).",
    "status: published (đang dùng), draft (nháp), retired (bãi bỏ).",
    "Nhập tệp theo nguyên tắc tất cả hoặc không: có một lỗi thì không ghi gì "
    "và báo bản ghi, cột, lý do.",
    "Trang tính này bị bỏ qua khi nhập.",
)


def _public_procedure(procedure: dict, day: date, hotline: str) -> dict:
    record = as_of(procedure, day)

    def held(section: str, way: int | None = None) -> str | None:
        if decide(record, section, way) != WITHHELD:
            return None
        return withheld_line(record, [label(record, section, way)], hotline)

    ways = []
    for index, way in enumerate(record["submission"]):
        out = {k: way[k] for k in ("channel", "time_days", "time_text", "fee", "fee_vnd")}
        out["fee"], out["fees"] = fee_text(way), []
        if line := held("fee", index):
            out["fee"], out["fee_vnd"] = line, None
        if line := held("time", index):
            out["time_text"], out["time_days"] = line, None
        out["description"] = held("channels", index) or way.get("description")
        ways.append(out)
    public = {k: v for k, v in record.items() if k in procedure}
    public["submission"] = ways
    public["agency"] = held("agency") or record.get("agency")
    public["needs_review"] = [
        f"{section}: {label(record, section)} đang được cán bộ kiểm tra lại"
        for section in flags(record)
    ]
    return public


def public_bundle(bundle: Bundle, day: date, hotline: str) -> Bundle:
    """The published records of ``bundle`` as citizens are told them on ``day`` (see the module
    docstring): nothing the display rule withholds is written as a value."""
    out = Bundle()
    for kind in KINDS:
        for record in bundle.of(kind):
            if record.get("status", "published") != "published":
                continue
            if kind == "procedure":
                record = _public_procedure(record, day, hotline)
            else:
                record = dict(record)
                record["needs_review"] = [
                    f"{section}: {label(record, section)} đang được cán bộ kiểm tra lại"
                    for section in flags(record)
                ]
            out.add(kind, record)
    return out


class FileFormatError(ValueError):
    """The file cannot be read as an exchange file at all (wrong type, broken JSON, bad sheet)."""


def format_of(path: Path | str) -> str:
    """``json``, ``csv`` or ``xlsx`` from the file name; FileFormatError otherwise."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise FileFormatError(f"{Path(path).name}: unknown file type (use .json, .csv or .xlsx)")
    return suffix


def read_file(path: Path | str) -> Bundle:
    """Parse an exchange file into an unvalidated :class:`Bundle`."""
    path = Path(path)
    fmt = format_of(path)
    if not path.is_file():
        raise FileFormatError(f"{path}: no such file")
    return {"json": _read_json, "csv": _read_csv, "xlsx": _read_xlsx}[fmt](path)


def write_file(bundle: Bundle, path: Path | str) -> None:
    """Write ``bundle`` to ``path`` in the format its extension names."""
    path = Path(path)
    fmt = format_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    {"json": _write_json, "csv": _write_csv, "xlsx": _write_xlsx}[fmt](bundle, path)


# --------------------------------------------------------------------------------- JSON


def _iso(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _write_json(bundle: Bundle, path: Path) -> None:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **{PLURAL[kind]: bundle.of(kind) for kind in KINDS},
    }
    path.write_text(
        json.dumps(document, ensure_ascii=False, indent=2, default=_iso) + "\n", encoding="utf-8"
    )


def _read_json(path: Path) -> Bundle:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FileFormatError(f"{path.name}: not UTF-8 text ({error.reason})") from error
    except json.JSONDecodeError as error:
        raise FileFormatError(
            f"{path.name}: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from error
    if not isinstance(document, dict):
        raise FileFormatError(f"{path.name}: expected an object with procedures, documents, faqs")
    allowed = {"format", "version", "exported_at", *PLURAL.values()}
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise FileFormatError(
            f"{path.name}: unknown key {unknown[0]!r} (allowed: {sorted(allowed)})"
        )
    if document.get("format", FORMAT) != FORMAT:
        raise FileFormatError(f"{path.name}: format must be {FORMAT!r}")
    version = document.get("version", VERSION)
    if not isinstance(version, int) or version > VERSION:
        raise FileFormatError(f"{path.name}: version {version!r} is newer than this program reads")
    bundle = Bundle()
    for kind in KINDS:
        records = document.get(PLURAL[kind], [])
        if not isinstance(records, list):
            raise FileFormatError(f"{path.name}: {PLURAL[kind]!r} must be a list of records")
        for index, record in enumerate(records):
            bundle.add(kind, record, f"{PLURAL[kind]}[{index}]")
    return bundle


# --------------------------------------------------------------------------------- rows


def record_to_row(record: dict, kind: str, *, dates_as_text: bool) -> dict[str, Any]:
    """One record as spreadsheet cells (lists one per line, nested parts as JSON)."""
    row: dict[str, Any] = {}
    for name in FIELDS[kind]:
        value = record.get(name)
        if name in JSON_CELLS:
            cell: Any = json.dumps(value or [], ensure_ascii=False, default=_iso)
        elif name in LIST_CELLS:
            cell = "\n".join(value or [])
        elif isinstance(value, date):
            cell = value.isoformat() if dates_as_text else value
        else:
            cell = value
        row[name] = "" if cell is None and dates_as_text else cell
    return row


def row_to_record(
    row: dict[str, Any], kind: str, location: str, problems: list[Problem]
) -> dict[str, Any]:
    """The record a row describes; cells that cannot be parsed are added to ``problems``."""
    rid = row.get("id")
    rid = rid.strip() if isinstance(rid, str) else rid
    record: dict[str, Any] = {}
    for name, cell in row.items():
        empty = cell is None or (isinstance(cell, str) and not cell.strip())
        if name in JSON_CELLS:
            if empty:
                record[name] = []
                continue
            if not isinstance(cell, str):
                record[name] = cell
                continue
            try:
                record[name] = json.loads(cell)
            except json.JSONDecodeError as error:
                reason = f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
                problems.append(Problem(kind, rid, name, reason, location))
        elif name in LIST_CELLS:
            if empty:
                record[name] = []
            elif isinstance(cell, str):
                record[name] = [line.strip() for line in cell.splitlines() if line.strip()]
            else:
                record[name] = [cell]
        else:
            record[name] = None if empty else cell
    return record


# --------------------------------------------------------------------------------- CSV


def _write_csv(bundle: Bundle, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, restval="")
        writer.writeheader()
        for kind in KINDS:
            for record in bundle.of(kind):
                writer.writerow({"kind": kind, **record_to_row(record, kind, dates_as_text=True)})


def _read_csv(path: Path) -> Bundle:
    csv.field_size_limit(16 * 1024 * 1024)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileFormatError(f"{path.name}: not UTF-8 text ({error.reason})") from error
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise FileFormatError(
            f"{path.name}: broken CSV at line {reader.line_num}: {error}"
        ) from error
    if not rows:
        raise FileFormatError(f"{path.name}: empty file (expected a header row)")
    header = [cell.strip() for cell in rows[0]]
    _check_header(header, CSV_COLUMNS, f"{path.name}", required=("kind", "id"))
    bundle = Bundle()
    problems: list[Problem] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        location = f"{path.name} row {number}"
        if len(cells) != len(header):
            raise FileFormatError(
                f"{location}: has {len(cells)} cells, the header has {len(header)}"
            )
        row = dict(zip(header, cells, strict=True))
        kind = row.pop("kind").strip()
        if kind not in KINDS:
            reason = f"{kind!r} is not one of: {', '.join(KINDS)}"
            problems.append(Problem("record", row.get("id") or None, "kind", reason, location))
            continue
        foreign = [k for k, v in row.items() if k not in FIELDS[kind] and v.strip()]
        for name in foreign:
            problems.append(
                Problem(
                    kind,
                    row.get("id"),
                    name,
                    f"does not apply to a {kind}; leave it empty",
                    location,
                )
            )
        row = {k: v for k, v in row.items() if k in FIELDS[kind]}
        bundle.add(kind, row_to_record(row, kind, location, problems), location)
    return _checked(bundle, problems)


def _checked(bundle: Bundle, problems: list[Problem]) -> Bundle:
    """``bundle`` when no cell failed to parse; else raise with those and all shape problems."""
    if not problems:
        return bundle
    for kind in KINDS:
        for index, raw in enumerate(bundle.of(kind)):
            problems.extend(normalize_record(kind, raw, bundle.locations.get((kind, index)))[1])
    raise ValidationError(problems)


def _check_header(
    header: list[str], allowed: tuple[str, ...], where: str, required: tuple[str, ...]
) -> None:
    for name in header:
        if name not in allowed:
            raise FileFormatError(f"{where}: unknown column {name!r}")
    for name in required:
        if name not in header:
            raise FileFormatError(f"{where}: missing column {name!r}")
    duplicates = {name for name in header if header.count(name) > 1}
    if duplicates:
        raise FileFormatError(f"{where}: column {sorted(duplicates)[0]!r} appears twice")


# --------------------------------------------------------------------------------- XLSX


def _write_xlsx(bundle: Bundle, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    guide = workbook.create_sheet(GUIDE_SHEET)
    for line in GUIDE:
        guide.append([line])
    for kind in KINDS:
        sheet = workbook.create_sheet(SHEETS[kind])
        sheet.freeze_panes = "B2"
        for index, name in enumerate(FIELDS[kind]):
            width = 14 if name in ("id", "status", "level", "code") else 40
            sheet.column_dimensions[_column_letter(index)].width = width
        header = []
        for name in FIELDS[kind]:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for record in bundle.of(kind):
            row = record_to_row(record, kind, dates_as_text=False)
            for name, value in row.items():
                if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
                    raise FileFormatError(
                        f"{kind} {record.get('id')!r}: field {name} is longer than a spreadsheet "
                        f"cell holds ({XLSX_CELL_LIMIT} characters); export to JSON instead"
                    )
            sheet.append([row[name] for name in FIELDS[kind]])
    workbook.save(path)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _read_xlsx(path: Path) -> Bundle:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileFormatError(f"{path.name}: not an XLSX workbook ({error})") from error
    try:
        kinds = {sheet: kind for kind, sheet in SHEETS.items()}
        for name in workbook.sheetnames:
            if name != GUIDE_SHEET and name not in kinds:
                expected = ", ".join([*SHEETS.values(), GUIDE_SHEET])
                raise FileFormatError(f"{path.name}: unknown sheet {name!r} (expected {expected})")
        bundle = Bundle()
        problems: list[Problem] = []
        for name in workbook.sheetnames:
            if name == GUIDE_SHEET:
                continue
            kind = kinds[name]
            for location, row in _sheet_rows(workbook[name], kind, f"{path.name} sheet {name}"):
                bundle.add(kind, row_to_record(row, kind, location, problems), location)
    finally:
        workbook.close()
    return _checked(bundle, problems)


def _sheet_rows(sheet, kind: str, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        return
    header = [str(cell).strip() if cell is not None else "" for cell in first]
    while header and not header[-1]:
        header.pop()
    _check_header(header, FIELDS[kind], where, required=("id",))
    for number, cells in enumerate(rows, start=2):
        if any(c is not None and str(c).strip() for c in cells[len(header) :]):
            raise FileFormatError(f"{where} row {number}: a cell right of the last named column")
        cells = list(cells[: len(header)]) + [None] * (len(header) - len(cells))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        yield f"{where} row {number}", dict(zip(header, cells, strict=True))
