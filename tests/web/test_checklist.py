"""The printable checklist page (/webhooks/widget/checklist/<id>) over real HTTP, from a real SQLite
knowledge base loaded from the bundled data, and the link to it in the bot's answers."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from collections.abc import Iterator
from html import escape
from html.parser import HTMLParser

import pytest
import requests
from test_widget_server import Server, raw_get, serve

from actions.formatting import procedure_answer
from bot.web.checklist import checklist_url
from procedure_kb.repository import Repository
from procedure_kb.review import LEFT_OUT
from procedure_kb.wording import count_text, fee_text, per_channel

NASTY = '<script>alert("x")</script> Thủ tục & "thử" \'nháy\''
NASTY_DOC = "<img src=x onerror=alert(1)>Tờ khai"
NASTY_NOTE = "</li></ul><script>alert(2)</script>"
NASTY_PORTAL = 'https://dichvucong.gov.vn/?q="><script>alert(3)</script>'


class Page(HTMLParser):
    """Tags, attributes, scripts and visible text of a page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag) -> None:
        self._in_script = False

    def handle_data(self, data) -> None:
        (self.scripts if self._in_script else self.text).append(data)

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


@pytest.fixture(scope="module")
def kb(kb_url: str, tmp_path_factory) -> Iterator[str]:
    """A private copy of the loaded knowledge base, plus a procedure full of HTML and a draft."""
    target = tmp_path_factory.mktemp("checklist") / "kb.sqlite3"
    shutil.copyfile(kb_url.removeprefix("sqlite:///"), target)
    url = f"sqlite:///{target}"
    repo = Repository(url)
    record = repo.get_procedure("cap-the-can-cuoc")
    record.update(
        id="thu-tuc-html",
        name=NASTY,
        aliases=[],
        portal_url=NASTY_PORTAL,
        source="javascript:alert(4)",
        needs_review=["fee: mức thu mới chưa rõ"],
        legal_basis=[{"number": "<b>1/2025</b>", "title": "Luật & <i>thử</i>", "date": None}],
    )
    record["documents"][0]["items"][0].update(name=NASTY_DOC, note=NASTY_NOTE)
    repo.upsert_procedure(record)
    draft = repo.get_procedure("khai-tu")
    draft.update(id="ban-nhap", status="draft", aliases=[], interconnected_group=None)
    repo.upsert_procedure(draft)
    repo.close()
    yield url


@pytest.fixture(scope="module")
def server(kb: str) -> Iterator[Server]:
    yield from serve(kb)


def get(server: Server, procedure_id: str) -> requests.Response:
    return requests.get(f"{server.widget}/checklist/{procedure_id}", timeout=20)


def test_page_lists_every_document_by_case_with_counts_skips_and_boxes(
    server: Server, kb: str
) -> None:
    record = Repository(kb).get_procedure("cap-the-can-cuoc")
    response = get(server, "cap-the-can-cuoc")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.text
    assert html.startswith("<!doctype html>") and '<html lang="vi">' in html
    assert '<meta charset="utf-8">' in html
    page = Page(html)
    text = page.all_text()
    assert record["name"] in text
    items = [item for group in record["documents"] for item in group["items"]]
    assert text.count("☐") == len(items)
    for group in record["documents"][1:]:
        assert str(group["case"]).rstrip(":") in text
    assert "Mọi trường hợp" in text  # the shared list, named because other cases follow
    for item in items:
        assert " ".join(item["name"].split()) in text
        assert f"Số lượng: {count_text(item)}." in text
    skipped = sum(1 for item in items if item["skip_if"])
    assert skipped and text.count("Không cần mang nếu thông tin đã có trong") == skipped
    assert "Là gì:" in text  # the glossary's explanation under a document


def test_page_gives_fee_time_where_online_legal_source_date_and_hotline(
    server: Server, kb: str
) -> None:
    record = Repository(kb).get_procedure("cap-the-can-cuoc")
    page = Page(get(server, "cap-the-can-cuoc").text)
    text = page.all_text()
    for label in ("Lệ phí", "Thời gian giải quyết", "Cơ quan giải quyết", "Nơi nộp"):
        assert label in text
    for line in per_channel(record["submission"], fee_text):
        assert line in text
    assert "Nộp trực tuyến" in text and f"Nộp tại: {record['portal_url']}" in text
    for law in record["legal_basis"]:
        assert law["number"] in text
    assert f"Nguồn: {record['source']}" in text
    assert f"Thông tin cập nhật ngày {record['reviewed_at']:%d/%m/%Y}." in text
    assert "Lưu ý: Cán bộ đang kiểm tra lại căn cứ pháp lý ở trên." in text  # a legal_basis note
    assert "1800 1096" in text
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert record["source"] in links and record["portal_url"] in links


def test_page_is_large_print_friendly_and_its_button_is_allowed_to_print(server: Server) -> None:
    response = get(server, "khai-sinh")
    html = response.text
    page = Page(html)
    sizes = [float(px) for px in re.findall(r"html \{ font-size: (\d+)px", html)]
    assert sizes and min(sizes) >= 18
    button = next(attrs for tag, attrs in page.tags if tag == "button")
    assert button["id"] == "in-danh-sach" and "no-print" in html
    assert "In danh sách" in page.all_text()
    assert re.search(r"@media print \{.*\.no-print \{ display: none", html, re.S)
    assert page.count("noscript") == 1  # without JavaScript: how to print
    (script,) = page.scripts
    assert "window.print()" in script and "in-danh-sach" in script
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy


def test_text_from_the_knowledge_base_is_never_html(server: Server) -> None:
    response = get(server, "thu-tuc-html")
    assert response.status_code == 200
    html = response.text
    page = Page(html)
    assert page.count("script") == 1 and page.count("img") == 0
    assert page.count("b") == 0 and page.count("i") == 0
    assert "alert(" not in "".join(page.scripts)
    text = page.all_text()
    for raw in (NASTY, NASTY_DOC, NASTY_NOTE, "<b>1/2025</b>", "Luật & <i>thử</i>"):
        assert " ".join(raw.split()) in text  # shown as the characters staff typed
    assert escape(NASTY) in html
    hrefs = [attrs.get("href") for tag, attrs in page.tags if tag == "a"]
    assert hrefs and all(href.startswith(("https://", "http://")) for href in hrefs)
    assert not any("<" in href or '"' in href for href in hrefs)
    assert "javascript:alert(4)" in text and "javascript:" not in " ".join(hrefs)


def test_a_fee_under_review_is_withheld_as_in_the_chat(server: Server, kb: str) -> None:
    record = Repository(kb).get_procedure("thu-tuc-html")
    text = Page(get(server, "thu-tuc-html").text).all_text()
    assert f"Lệ phí {LEFT_OUT}" in text
    for way in record["submission"]:
        assert fee_text(way) not in text


@pytest.mark.parametrize(
    "path",
    [
        "khong-co-thu-tuc-nay",
        "ban-nhap",  # a draft
        "Cap-The-Can-Cuoc",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "..%2f..%2fetc%2fpasswd",
        "khai-sinh%00",
        "khai-sinh%20or%201=1",
        "a" * 101,
        "",
    ],
    ids=["unknown", "draft", "upper", "script", "traversal", "nul", "sql", "long", "empty"],
)
def test_unknown_or_malformed_id_is_a_short_vietnamese_404(server: Server, path: str) -> None:
    status, content_type, body = raw_get(server.url, f"/webhooks/widget/checklist/{path}")
    assert status == 404
    if content_type.startswith("text/html"):
        text = Page(body.decode()).all_text()
        assert "Không tìm thấy thủ tục" in text and "1800 1096" in text
        assert b'<html lang="vi">' in body and b"<script>alert" not in body


def test_staff_edits_show_at_once(server: Server, kb: str) -> None:
    repo = Repository(kb)
    try:
        assert "Đăng ký kết hôn" in Page(get(server, "ket-hon").text).all_text()
        record = repo.get_procedure("ket-hon")
        repo.upsert_procedure({**record, "name": "Đăng ký kết hôn (đã sửa)"})
        assert "Đăng ký kết hôn (đã sửa)" in Page(get(server, "ket-hon").text).all_text()
    finally:
        repo.close()


def test_answers_link_the_page_and_the_link_opens_it(server: Server, kb: str) -> None:
    repo = Repository(kb)
    record = repo.get_procedure("khai-sinh")
    link = checklist_url(server.url + "/", "khai-sinh")
    assert link == f"{server.url}/webhooks/widget/checklist/khai-sinh"
    line = f"🖨 Danh sách giấy tờ để in: {link}"
    for intent in ("ask_documents", "ask_procedure"):
        texts = [bubble.text for bubble in procedure_answer(intent, record, None, link)]
        assert line in "\n".join(texts).splitlines()
    for intent in ("ask_fee", "ask_where", "ask_steps"):
        assert link not in "\n".join(b.text for b in procedure_answer(intent, record, None, link))
    no_documents = {**record, "documents": []}
    assert link not in "\n".join(b.text for b in procedure_answer("ask_documents", no_documents))
    assert get(server, "khai-sinh").status_code == 200


def test_checklist_url_quotes_the_id() -> None:
    assert checklist_url("https://tro-ly.tinh.gov.vn", "a/b c") == (
        "https://tro-ly.tinh.gov.vn/webhooks/widget/checklist/a%2Fb%20c"
    )


def test_every_bundled_procedure_renders(server: Server, kb: str) -> None:
    ids = [p["id"] for p in Repository(kb).list_procedures()]
    assert len(ids) > 20
    for procedure_id in ids:
        response = get(server, procedure_id)
        assert response.status_code == 200, procedure_id
        assert Page(response.text).count("script") == 1


def test_the_page_is_not_kept_from_a_shared_cache(server: Server) -> None:
    assert get(server, "khai-sinh").headers["Cache-Control"] == "no-cache"
