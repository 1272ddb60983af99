"""bot.kb_lookup: NLU lookup tables and synonyms generated from the knowledge base."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from bot.kb_lookup import main
from procedure_kb.text import fold


def generate(kb_db: str, tmp_path: Path):
    out = tmp_path / "generated" / "procedure_lookup.yml"
    assert main(["--out", str(out), "--db", kb_db]) == 0
    return load_data(str(out))


def table(data, name: str) -> set[str]:
    found = [t for t in data.lookup_tables if t["name"] == name]
    assert found, f"no lookup table {name}"
    return set(found[0]["elements"])


def test_lookup_tables_hold_every_name_and_alias_with_and_without_diacritics(
    kb_db, repo, tmp_path
) -> None:
    data = generate(kb_db, tmp_path)
    procedures = table(data, "procedure")
    for record in repo.list_procedures():
        for phrase in [record["name"], *record["aliases"]]:
            phrase = " ".join(phrase.lower().split())
            assert phrase in procedures
            assert fold(phrase) in procedures
    documents = table(data, "document")
    assert repo.get_document("giay-chung-sinh")["name"].lower() in documents


def test_aliases_of_one_procedure_map_to_its_id(kb_db, repo, tmp_path) -> None:
    synonyms = generate(kb_db, tmp_path).entity_synonyms
    record = repo.get_procedure("cap-ho-chieu")
    assert synonyms[record["name"].lower()] == "cap-ho-chieu"
    owners: dict[str, set[str]] = {}
    for p in repo.list_procedures():
        for phrase in [p["name"], *p["aliases"]]:
            owners.setdefault(" ".join(phrase.lower().split()), set()).add(p["id"])
    shared = [phrase for phrase, ids in owners.items() if len(ids) > 1]
    for phrase in shared:
        assert phrase not in synonyms, f"{phrase!r} names several procedures"


def test_alias_added_by_staff_appears_in_the_next_build(kb_db, repo, tmp_path) -> None:
    record = repo.get_procedure("dang-ky-tam-tru")
    repo.upsert_procedure(dict(record, aliases=[*record["aliases"], "khai báo ở trọ dài hạn"]))
    data = generate(kb_db, tmp_path)
    assert "khai báo ở trọ dài hạn" in table(data, "procedure")
    assert "khai bao o tro dai han" in table(data, "procedure")
    assert data.entity_synonyms["khai báo ở trọ dài hạn"] == "dang-ky-tam-tru"


def test_missing_knowledge_base_is_a_clear_error(tmp_path, capsys) -> None:
    code = main(
        ["--db", f"sqlite:///{tmp_path / 'none.sqlite3'}", "--out", str(tmp_path / "x.yml")]
    )
    assert code == 3
    assert "make kb" in capsys.readouterr().err
    assert not (tmp_path / "x.yml").exists()
