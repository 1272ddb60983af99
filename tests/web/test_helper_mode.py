"""The widget's helper mode (community digital teams, one tablet for many citizens) in real headless
Chromium against the real running assistant: "Người tiếp theo", the idle timeout, the microphone,
the checklist's QR code and the anonymous count.
"""

from __future__ import annotations

import io
import re
import time

import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect
from test_widget_browser import BOT, USER, ask, wait_for_bot

from procedure_kb.helper_stats import HelperStats

QUESTION = "đăng ký khai sinh cần giấy tờ gì"
DOSSIER = "000.00.01.H29-261116-0001"  # docs/dossier.md: "Mới đăng ký", lookup code KS7Q2M
LOOKUP_CODE = "KS7Q2M"
NEXT = "button.tldvc-next"
STORED = """() => [sessionStorage, localStorage].flatMap(area =>
  Object.keys(area).map(key => [key, area.getItem(key)]))"""
NO_SPEECH = "delete window.SpeechRecognition; delete window.webkitSpeechRecognition;"
FAKE_SPEECH = """
(() => {
  window.__recognitions = [];
  class FakeRecognition {
    start() {
      window.__recognitions.push(this.lang);
      setTimeout(() => {
        const result = [{ transcript: 'lệ phí làm hộ chiếu bao nhiêu', confidence: 0.9 }];
        result.isFinal = true;
        this.onresult && this.onresult({ resultIndex: 0, results: [result] });
        this.onend && this.onend();
      }, 100);
    }
    stop() { this.onend && this.onend(); }
    abort() { this.onend && this.onend(); }
  }
  window.SpeechRecognition = FakeRecognition;
  delete window.webkitSpeechRecognition;
})();
"""


def with_page_option(page: Page, option: str) -> None:
    """Add ``option`` to the demo page's window.TroLyDichVuCong, as a province's page would set it.

    The object the page assigns is merged with the option before widget.js reads it (an init
    script; intercepting the page itself would make Chromium treat it as a public page)."""
    page.add_init_script(
        """(() => {
  let value;
  Object.defineProperty(window, "TroLyDichVuCong", {
    configurable: true,
    get() { return value; },
    set(given) { value = Object.assign(given || {}, { OPTION }); },
  });
})();""".replace("OPTION", option)
    )


def open_helper(page: Page, url: str) -> None:
    """Helper mode opens by itself: wait for the greeting and its buttons."""
    page.goto(url)
    expect(page.locator(".tldvc-panel[role=dialog]")).to_be_visible()
    expect(page.locator(BOT).first).to_contain_text("Trợ lý Dịch vụ công", timeout=60_000)
    expect(page.locator(".tldvc-quick button").first).to_be_visible()


def session_id(page: Page) -> str | None:
    return page.evaluate("() => window.TroLyDichVuCong.widget.sessionId")


def tracker(web_stack, sender: str) -> dict:
    response = requests.get(
        f"{web_stack.bot_url}/conversations/{sender}/tracker",
        params={"token": web_stack.api_token, "include_events": "ALL"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def counted(web_stack, team_code: str, timeout: float = 20) -> dict:
    """The one helper-mode row of ``team_code`` (the widget posts it without waiting)."""
    stats = HelperStats(web_stack.kb_url)
    try:
        deadline = time.monotonic() + timeout
        while True:
            rows = [r for r in stats.list_sessions(limit=1000) if r["team_code"] == team_code]
            if rows or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        stats.close()
    assert len(rows) == 1, rows
    return rows[0]


def assert_forgotten(page: Page, old_id: str, texts: list[str]) -> None:
    """Nothing of the previous conversation in the page, its storage or the widget's API."""
    new_id = session_id(page)
    assert new_id and new_id != old_id
    stored = page.evaluate(STORED)
    assert [key for key, _ in stored if key.startswith("tldvc:")] == [], stored
    html = page.content()
    for text in [old_id, *texts]:
        assert text not in html
        assert all(text not in value for _, value in stored)


def test_next_person_ends_and_forgets_the_conversation(page: Page, web_stack, steps):
    with_page_option(page, 'helperMode: true, teamCode: "xa-tan-lap"')
    open_helper(page, web_stack.demo_url)
    root = page.locator("#tldvc-root")
    expect(root).to_have_class(re.compile("tldvc-large-mode"))  # large text, high contrast
    expect(page.locator(NEXT)).to_be_visible()
    expect(page.locator(".tldvc-team")).to_have_text("Tổ hỗ trợ: XA-TAN-LAP")
    expect(page.locator("button.tldvc-download")).to_be_hidden()  # no file left on the tablet
    steps.shot("helper-mode")

    ask(page, QUESTION)
    expect(page.locator(BOT).last).to_be_visible()
    assert "khai sinh" in " ".join(page.locator(BOT).all_inner_texts()).lower()
    ask(page, f"tra cứu hồ sơ {DOSSIER}")
    ask(page, LOOKUP_CODE)
    expect(page.locator(BOT).filter(has_text="Mới đăng ký").first).to_be_visible()
    steps.shot("dossier-looked-up")
    old_id = session_id(page)
    assert old_id and old_id in str(tracker(web_stack, old_id))
    assert page.evaluate(STORED) == []  # helper mode keeps the conversation in memory only

    page.locator(NEXT).click()
    expect(page.locator(USER)).to_have_count(0)
    expect(page.locator(BOT).first).to_contain_text("Trợ lý Dịch vụ công", timeout=60_000)
    expect(page.locator(".tldvc-status")).to_contain_text("Mời người tiếp theo")
    steps.shot("next-person")
    assert_forgotten(page, old_id, [QUESTION, DOSSIER, LOOKUP_CODE, "Mới đăng ký"])
    assert len(page.locator(BOT).all_inner_texts()) <= 2  # the greeting only

    # The server ended the old conversation: restarted, the lookup slots empty.
    old = tracker(web_stack, old_id)
    kinds = [event["event"] for event in old["events"]]
    assert "restart" in kinds[max(i for i, k in enumerate(kinds) if k == "user") :]
    assert old["slots"].get("dossier_code") is None and old["slots"].get("procedure_id") is None
    marks = [event["metadata"] for event in old["events"] if event["event"] == "user"]
    assert all(m.get("helper_mode") is True and m.get("team_code") == "XA-TAN-LAP" for m in marks)
    # The new conversation is another tracker, which knows nothing of the old one.
    new = tracker(web_stack, session_id(page))
    assert DOSSIER not in str(new) and QUESTION not in str(new)

    row = counted(web_stack, "XA-TAN-LAP")
    assert (row["ended_by"], row["questions"], row["procedures"]) == ("next", 3, ["khai-sinh"])
    assert set(row) == {"id", "created_at", "day", "team_code", "ended_by", "questions",
                        "procedures"}  # fmt: skip
    for secret in (old_id, DOSSIER, LOOKUP_CODE, QUESTION):
        assert secret not in str(row)
    assert not page.errors


def test_idle_timeout_warns_then_clears(page: Page, web_stack, steps):
    page.clock.install()
    open_helper(page, web_stack.demo_url + "?tro-ly=ho-tro&ma-to=to-cho")  # the bookmark
    expect(page.locator(NEXT)).to_be_visible()
    ask(page, "lệ phí làm hộ chiếu bao nhiêu")
    old_id = session_id(page)
    warning = page.locator(".tldvc-idle-warning")
    expect(warning).to_be_hidden()

    page.clock.fast_forward("04:01")  # the default 5 minutes, warned one minute before
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("1 phút")
    steps.shot("idle-warning")
    page.locator("button.tldvc-still-here").click()  # "Tôi vẫn đang dùng"
    expect(warning).to_be_hidden()
    page.clock.fast_forward("03:00")
    expect(page.locator(USER)).to_have_count(1)  # kept: the person said they are still here

    page.clock.fast_forward("01:10")
    expect(warning).to_be_visible()
    page.clock.fast_forward("01:00")
    expect(page.locator(USER)).to_have_count(0)
    expect(warning).to_be_hidden()
    expect(page.locator(BOT).first).to_contain_text("Trợ lý Dịch vụ công", timeout=60_000)
    steps.shot("idle-cleared")
    assert_forgotten(page, old_id, ["lệ phí làm hộ chiếu bao nhiêu"])
    row = counted(web_stack, "TO-CHO")
    assert (row["ended_by"], row["questions"], row["procedures"]) == ("idle", 1, ["cap-ho-chieu"])


def test_microphone_text_waits_for_the_person_to_send_it(page: Page, web_stack, steps):
    page.add_init_script(FAKE_SPEECH)
    open_helper(page, web_stack.demo_url + "?tro-ly=ho-tro")
    mic = page.locator("button.tldvc-mic")
    expect(mic).to_be_visible()
    expect(mic).to_have_accessible_name("Nói thay vì gõ")
    box = mic.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44
    before = page.locator(BOT).count()
    mic.click()
    box = page.locator("textarea.tldvc-input")
    expect(box).to_have_value("lệ phí làm hộ chiếu bao nhiêu")
    expect(page.locator(".tldvc-status")).to_contain_text("xem lại, sửa nếu cần")
    assert page.evaluate("() => window.__recognitions") == ["vi-VN"]
    steps.shot("recognised-text")
    page.wait_for_timeout(2500)  # nothing is sent on its own
    expect(page.locator(USER)).to_have_count(0)
    assert page.locator(BOT).count() == before

    box.fill("lệ phí làm hộ chiếu phổ thông bao nhiêu")  # corrected by the person
    page.locator("button.tldvc-send").click()
    expect(page.locator(USER).last).to_have_text(re.compile("hộ chiếu phổ thông"))
    wait_for_bot(page, before)
    assert "hộ chiếu" in " ".join(page.locator(BOT).all_inner_texts()).lower()
    steps.shot("sent-after-check")


def test_no_microphone_without_speech_recognition(page: Page, web_stack, steps):
    page.add_init_script(NO_SPEECH)
    open_helper(page, web_stack.demo_url + "?tro-ly=ho-tro")
    expect(page.locator(NEXT)).to_be_visible()
    assert page.locator("button.tldvc-mic").count() == 0
    steps.shot("no-microphone")
    for size in page.locator("#tldvc-root button:visible").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.className, r.width, r.height]; })"
    ):
        assert size[1] >= 44 and size[2] >= 44, size


def test_checklist_qr_code_opens_the_same_page(page: Page, web_stack, steps):
    url = f"{web_stack.bot_url}/webhooks/widget/checklist/cap-the-can-cuoc"
    page.goto(url)
    code = page.locator("section.take-home svg.qr")
    expect(code).to_be_visible()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(code.screenshot())))
    assert [(r.format, r.text) for r in found] == [(zxingcpp.BarcodeFormat.QRCode, page.url)]
    assert page.url == url
    not_needed = page.locator("section.not-needed")
    expect(not_needed).to_contain_text("Cơ sở dữ liệu quốc gia về dân cư")
    steps.shot("checklist-qr")
    assert not page.errors
