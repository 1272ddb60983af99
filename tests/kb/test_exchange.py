"""Import/export in JSON, CSV and XLSX: round trips, staff edits, and malformed files that must
leave the database exactly as it was."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
import records
from openpyxl import load_workbook

from procedure_kb import migrations
from procedure_kb.bundle import Bundle
from procedure_kb.exchange import (
    CSV_COLUMNS,
    FORMATS,
    GUIDE_SHEET,
    FileFormatError,
    read_file,
    write_file,
)
from procedure_kb.repository import Repository
from procedure_kb.validation import ValidationError, validate_bundle


@pytest.fixture
def loaded(repo: Repository) -> Repository:
    repo.import_bundle(records.bundle())
    return repo


def state(repo: Repository) -> tuple[int, Bundle]:
    return repo.revision(), repo.export_bundle()


def import_file(repo: Repository, path: Path) -> Bundle:
    return repo.import_bundle(read_file(path))


def export(repo: Repository, path: Path) -> Path:
    write_file(repo.export_bundle(), path)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_through_a_file_into_a_new_database(
    loaded: Repository, tmp_path: Path, fmt: str
) -> None:
    path = export(loaded, tmp_path / f"kb.{fmt}")
    parsed = validate_bundle(read_file(path))
    parsed.locations.clear()
    assert parsed == loaded.export_bundle()

    url = f"sqlite:///{tmp_path / 'second.sqlite3'}"
    migrations.upgrade(url)
    second = Repository(url)
    try:
        import_file(second, path)
        assert second.export_bundle() == loaded.export_bundle()
        assert second.get_procedure("khai-sinh") == records.KHAI_SINH
    finally:
        second.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_reimporting_an_export_changes_nothing_but_the_revision(
    loaded: Repository, tmp_path: Path, fmt: str
) -> None:
    revision, before = state(loaded)
    import_file(loaded, export(loaded, tmp_path / f"kb.{fmt}"))
    assert state(loaded) == (revision + 1, before)


def test_json_with_a_bad_field_is_rejected_whole(loaded: Repository, tmp_path: Path) -> None:
    path = export(loaded, tmp_path / "kb.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["faqs"].append({**data["faqs"][0], "id": "cau-hoi-moi"})  # valid, must not be written
    khai_sinh = next(p for p in data["procedures"] if p["id"] == "khai-sinh")
    khai_sinh["status"] = "live"
    khai_sinh["name"] = "Tên đã sửa"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = state(loaded)
    with pytest.raises(ValidationError) as caught:
        import_file(loaded, path)
    assert str(caught.value) == (
        "procedure 'khai-sinh' (procedures[1]), field status: "
        "'live' is not one of: published, draft, retired"
    )
    assert state(loaded) == before
    assert loaded.get_faq("cau-hoi-moi", include_drafts=True) is None


def test_csv_with_an_unknown_glossary_id_is_rejected(loaded: Repository, tmp_path: Path) -> None:
    path = export(loaded, tmp_path / "kb.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert text.count('\\"document\\": \\"giay-chung-sinh\\"') == 0  # JSON cells are plain
    path.write_text(
        text.replace('""document"": ""giay-chung-sinh""', '""document"": ""giay-chung-sinh-moi""'),
        encoding="utf-8-sig",
    )
    before = state(loaded)
    with pytest.raises(ValidationError) as caught:
        import_file(loaded, path)
    (problem,) = caught.value.problems
    assert (problem.record_id, problem.field, problem.reason) == (
        "khai-sinh",
        "documents[0].items[1].document",
        "unknown glossary id 'giay-chung-sinh-moi'",
    )
    assert problem.location.startswith("kb.csv row ")
    assert state(loaded) == before


def test_xlsx_with_a_bad_cell_and_broken_json_is_rejected(
    loaded: Repository, tmp_path: Path
) -> None:
    path = export(loaded, tmp_path / "kb.xlsx")
    workbook = load_workbook(path)
    sheet = workbook["procedures"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    rows["khai-tu"][header.index("reviewed_at")].value = "hôm qua"
    rows["khai-sinh"][header.index("documents")].value = '[{"case": null, "items": ['
    rows["khai-sinh"][header.index("name")].value = "Tên mới"
    workbook.save(path)
    before = state(loaded)
    with pytest.raises(ValidationError) as caught:
        import_file(loaded, path)
    found = sorted((p.record_id, p.field, p.location) for p in caught.value.problems)
    assert found == [
        ("khai-sinh", "documents", "kb.xlsx sheet procedures row 3"),
        ("khai-tu", "reviewed_at", "kb.xlsx sheet procedures row 4"),
    ]
    assert "not valid JSON" in str(caught.value)
    assert state(loaded) == before


def test_xlsx_with_a_wrong_sheet_is_rejected(loaded: Repository, tmp_path: Path) -> None:
    path = export(loaded, tmp_path / "kb.xlsx")
    workbook = load_workbook(path)
    workbook["faqs"].title = "Sheet1"
    workbook.save(path)
    before = state(loaded)
    with pytest.raises(FileFormatError, match="unknown sheet 'Sheet1'"):
        import_file(loaded, path)
    assert state(loaded) == before


def test_xlsx_with_an_unknown_column_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "kb.xlsx"
    write_file(records.bundle(), path)
    workbook = load_workbook(path)
    workbook["documents"].cell(row=1, column=3).value = "bi danh"
    workbook.save(path)
    with pytest.raises(FileFormatError, match="sheet documents: unknown column 'bi danh'"):
        read_file(path)


def test_staff_can_edit_and_add_rows_in_the_spreadsheet(loaded: Repository, tmp_path: Path) -> None:
    path = export(loaded, tmp_path / "kb.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames[0] == GUIDE_SHEET
    sheet = workbook["faqs"]
    header = [cell.value for cell in sheet[1]]
    new = {
        "id": "nhan-ket-qua",
        "question": "Nhận kết quả ở đâu?",
        "phrasings": "nhận kết quả\nlấy kết quả qua bưu điện",
        "answer": "Anh/Chị nhận tại Bộ phận Một cửa hoặc qua bưu điện ạ.",
        "status": "published",
        "source": "Nghị định 118/2025/NĐ-CP",
        "reviewed_at": datetime(2025, 12, 1),
    }
    sheet.append([new.get(name) for name in header])
    procedures = workbook["procedures"]
    names = {row[0].value: row for row in procedures.iter_rows(min_row=2)}
    procedure_header = [cell.value for cell in procedures[1]]
    names["khai-sinh"][procedure_header.index("aliases")].value = "khai sinh\ndk ks\nlàm khai sinh"
    workbook.save(path)
    import_file(loaded, path)
    faq = loaded.get_faq("nhan-ket-qua")
    assert faq["phrasings"] == ["nhận kết quả", "lấy kết quả qua bưu điện"]
    assert faq["reviewed_at"].isoformat() == "2025-12-01"
    assert loaded.get_procedure("khai-sinh")["aliases"] == ["khai sinh", "dk ks", "làm khai sinh"]


def test_csv_with_only_some_columns_and_rows_of_one_kind(
    loaded: Repository, tmp_path: Path
) -> None:
    path = tmp_path / "faqs.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "id", "question", "answer", "status", "source", "reviewed_at"])
        writer.writerow(
            [
                "faq",
                "chu-ky-so",
                "Chữ ký số là gì?",
                "Là chữ ký điện tử ạ.",
                "draft",
                "s",
                "2025-11-01",
            ]
        )
    import_file(loaded, path)
    assert loaded.get_faq("chu-ky-so", include_drafts=True)["question"] == "Chữ ký số là gì?"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("kind,id,nickname\nfaq,x,y\n", "unknown column 'nickname'"),
        ("id,question\nx,y\n", "missing column 'kind'"),
        ('kind,id\nfaq,"x\n', "broken CSV"),
        ("kind,id\nfaq,x,extra\n", "row 2: has 3 cells, the header has 2"),
        ("", "empty file"),
    ],
)
def test_broken_csv_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "kb.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileFormatError, match=message):
        read_file(path)


def test_csv_row_problems_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "kb.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerow({"kind": "thu-tuc", "id": "a"})
        writer.writerow({"kind": "faq", "id": "b", "what": "không thuộc FAQ"})
        writer.writerow({"kind": "procedure", "id": "c", "submission": "{oops"})
    with pytest.raises(ValidationError) as caught:
        read_file(path)
    found = [str(p) for p in caught.value.problems]
    assert found[:3] == [
        "record 'a' (kb.csv row 2), field kind: 'thu-tuc' is not one of: document, procedure, faq",
        "faq 'b' (kb.csv row 3), field what: does not apply to a faq; leave it empty",
        "procedure 'c' (kb.csv row 4), field submission: "
        "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2",
    ]
    # the other problems of the same rows come in the same message, so staff fix all at once
    assert "faq 'b' (kb.csv row 3), field question: is required" in found[3:]
    assert "procedure 'c' (kb.csv row 4), field name: is required" in found[3:]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kb.json", '{"procedures": [', "not valid JSON: Expecting value at line 1 column 17"),
        ("kb.json", '{"thu_tuc": []}', "unknown key 'thu_tuc'"),
        ("kb.json", "[]", "expected an object"),
        ("kb.json", '{"procedures": {}}', "'procedures' must be a list"),
        ("kb.json", '{"format": "other"}', "format must be 'procedure_kb'"),
        ("kb.json", '{"version": 99}', "version 99 is newer"),
        ("kb.xlsx", "not a zip file", "not an XLSX workbook"),
        ("kb.txt", "{}", "unknown file type"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileFormatError, match=message):
        read_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="no such file"):
        read_file(tmp_path / "none.json")
