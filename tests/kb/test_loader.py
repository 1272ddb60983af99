"""Reading the YAML folders, and the bundled procedure_kb/data."""

from __future__ import annotations

from pathlib import Path

import pytest
import records
import yaml

from procedure_kb.bundle import KINDS
from procedure_kb.loader import DATA_DIR, FOLDERS, read_folder
from procedure_kb.validation import ValidationError, validate_bundle


def write_folder(root: Path) -> Path:
    for kind in KINDS:
        folder = root / FOLDERS[kind]
        folder.mkdir(parents=True, exist_ok=True)
        for record in records.bundle().of(kind):
            text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
            (folder / f"{record['id']}.yml").write_text(text, encoding="utf-8")
    return root


def test_folder_round_trip(tmp_path: Path) -> None:
    bundle = read_folder(write_folder(tmp_path / "data"))
    assert bundle.locations[("procedure", 0)] == "procedures/dang-ky-thuong-tru.yml"
    clean = validate_bundle(bundle)
    assert {p["id"]: p for p in clean.procedures}["khai-sinh"] == records.KHAI_SINH
    assert clean.counts() == {"documents": 3, "procedures": 4, "faqs": 2}


def test_file_name_must_match_id(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "data")
    (root / "faqs" / "quen-mat-khau.yml").rename(root / "faqs" / "quen-mk.yml")
    with pytest.raises(ValidationError, match=r"\(faqs/quen-mk.yml\), field id: must equal"):
        read_folder(root)


def test_broken_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    root = write_folder(tmp_path / "data")
    (root / "documents" / "giay-chung-sinh.yml").write_text("id: [giay\nname: x\n", "utf-8")
    with pytest.raises(ValidationError) as caught:
        read_folder(root)
    (problem,) = caught.value.problems
    assert problem.location == "documents/giay-chung-sinh.yml"
    assert "line 2" in problem.reason


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_folder(tmp_path / "none")


@pytest.mark.skipif(
    not any((DATA_DIR / "procedures").glob("*.yml")), reason="no bundled procedures yet"
)
def test_bundled_data_is_valid() -> None:
    clean = validate_bundle(read_folder(DATA_DIR))
    ids = {p["id"] for p in clean.procedures}
    assert {"khai-sinh", "lien-thong-khai-sinh", "lien-thong-khai-tu"} <= ids
    for record in clean.procedures + clean.faqs:
        assert record["source"] and record["reviewed_at"]
