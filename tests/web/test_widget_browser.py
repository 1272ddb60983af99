"""The chat widget in real headless Chromium against the real running assistant.

Each test opens the demo provincial page (another origin than the bot, as on a province's site),
uses the widget like a citizen or a community helper would, and keeps a screenshot of each step
under results/browser/<test>/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from procedure_kb.repository import Repository

BOT = ".tldvc-msg--bot"
USER = ".tldvc-msg--user"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def open_widget(page: Page, demo_url: str) -> None:
    """Open the demo page and the widget; wait for the greeting with its buttons."""
    page.goto(demo_url)
    page.locator("button.tldvc-launcher").click()
    expect(page.locator(".tldvc-panel[role=dialog]")).to_be_visible()
    expect(page.locator(BOT).first).to_contain_text("Trợ lý Dịch vụ công", timeout=60_000)
    expect(page.locator(".tldvc-quick button").first).to_be_visible()


def ask(page: Page, text: str) -> None:
    """Type a question and press Enter; wait for a new bot message after it."""
    before = page.locator(BOT).count()
    page.locator("textarea.tldvc-input").fill(text)
    page.keyboard.press("Enter")
    wait_for_bot(page, before)


def wait_for_bot(page: Page, before: int) -> None:
    expect(page.locator(BOT)).not_to_have_count(before, timeout=60_000)
    page.wait_for_timeout(1800)  # the rest of the turn (several messages may follow)


def widget_state(page: Page) -> dict:
    return page.evaluate(
        "() => { const w = window.TroLyDichVuCong.widget;"
        " return {transport: w.transport, sessionId: w.sessionId}; }"
    )


def test_demo_page_embeds_the_widget_with_one_script_tag(page: Page, web_stack, steps):
    page.goto(web_stack.demo_url)
    steps.shot("demo-page")
    scripts = page.locator("script[src]")
    assert scripts.count() == 1
    assert scripts.first.get_attribute("src") == f"{web_stack.bot_url}/webhooks/widget/widget.js"
    expect(page.locator("button.tldvc-launcher")).to_have_accessible_name(
        re.compile("trợ lý", re.IGNORECASE)
    )
    assert page.locator("#tldvc-root").get_attribute("lang") == "vi"
    assert not page.errors


def test_citizen_asks_clicks_a_button_and_keeps_the_history_after_reload(
    page: Page, web_stack, steps
):
    open_widget(page, web_stack.demo_url)
    expect(page.locator(".tldvc-privacy")).to_be_visible()
    steps.shot("greeting")
    assert widget_state(page)["transport"] == "socketio"

    page.locator("textarea.tldvc-input").fill("lam cccd can giay to gi")
    page.keyboard.press("Enter")
    expect(page.locator(USER).last).to_have_text(re.compile("lam cccd can giay to gi"))
    expect(page.locator(".tldvc-typing")).to_be_visible()
    steps.shot("typing")
    wait_for_bot(page, 1)
    expect(page.locator(BOT).nth(1)).to_contain_text(re.compile("căn cước", re.IGNORECASE))
    expect(page.locator(f"{BOT} time.tldvc-time").last).to_have_text(re.compile(r"^\d\d:\d\d$"))
    steps.shot("answer")

    fee = page.locator(".tldvc-quick button", has_text=re.compile("Lệ phí", re.IGNORECASE))
    title = fee.first.inner_text().strip()
    before = page.locator(BOT).count()
    fee.first.click()
    expect(page.locator(USER).last).to_contain_text(title)
    wait_for_bot(page, before)
    expect(page.locator(BOT).last).to_be_visible()
    steps.shot("button-answer")

    history = page.locator(".tldvc-msg").all_inner_texts()
    session_id = widget_state(page)["sessionId"]
    page.reload()
    expect(page.locator(".tldvc-panel[role=dialog]")).to_be_visible()
    expect(page.locator(".tldvc-msg")).to_have_count(len(history))
    assert page.locator(".tldvc-msg").all_inner_texts() == history
    assert widget_state(page)["sessionId"] == session_id
    steps.shot("after-reload")

    ask(page, "thế mất bao lâu")  # the server kept the context: same procedure
    expect(page.locator(BOT).last).to_be_visible()
    answer = " ".join(page.locator(BOT).all_inner_texts()[len(history) - 2 :]).lower()
    assert "căn cước" in answer
    steps.shot("follow-up")
    assert not page.errors


def test_large_text_high_contrast_mode_persists(page: Page, web_stack, steps):
    open_widget(page, web_stack.demo_url)
    text = page.locator(f"{BOT} .tldvc-text").first
    normal = text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    toggle = page.locator("button.tldvc-large")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(page.locator("#tldvc-root")).to_have_class(re.compile("tldvc-large-mode"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    large = text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert large >= 1.25 * normal
    steps.shot("large-mode")
    page.reload()
    expect(page.locator("#tldvc-root")).to_have_class(re.compile("tldvc-large-mode"))
    expect(page.locator("button.tldvc-large")).to_have_attribute("aria-pressed", "true")
    steps.shot("large-mode-after-reload")
    for size in page.locator("#tldvc-root button:visible").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.className, r.width, r.height]; })"
    ):
        assert size[1] >= 44 and size[2] >= 44, size


def test_printable_checklist_opens_from_the_answer(page: Page, web_stack, steps):
    open_widget(page, web_stack.demo_url)
    ask(page, "đăng ký khai sinh cần giấy tờ gì")
    link = page.locator("a.tldvc-checklist").last
    expect(link).to_be_visible()
    steps.shot("checklist-link")
    with page.context.expect_page() as popup:
        link.click()
    checklist = popup.value
    checklist.wait_for_load_state()
    expect(checklist.locator("h1")).to_contain_text(re.compile("khai sinh", re.IGNORECASE))
    assert "☐" in checklist.locator("body").inner_text()
    assert checklist.evaluate(CONTRAST, "body") == []
    steps.shot("checklist", page=checklist)
    checklist.emulate_media(media="print")
    steps.shot("checklist-print", page=checklist)
    pdf = checklist.pdf(path=str(steps.folder / "checklist.pdf"))
    assert pdf.startswith(b"%PDF")


def test_xss_from_the_user_is_shown_as_text(page: Page, web_stack, steps):
    open_widget(page, web_stack.demo_url)
    ask(page, XSS)
    expect(page.locator(f"{USER} .tldvc-text").last).to_have_text(XSS)
    assert page.locator(".tldvc-log img, .tldvc-log script").count() == 0
    assert page.evaluate("() => window.__xss") is None
    steps.shot("xss-as-text")


def test_xss_and_bad_links_from_the_bot_are_not_html(page: Page, web_stack, steps):
    # The bot never sends markup, so its side is played by a hostile reply on the REST path.
    hostile = [
        {
            "recipient_id": "x",
            "text": XSS + "\nhttp://example.invalid/ok javascript:window.__xss=3",
            "buttons": [{"title": XSS, "payload": "/greet"}],
        }
    ]
    page.route("**/socket.io/**", lambda route: route.abort())
    page.route("**/webhooks/rest/webhook", lambda route: route.fulfill(json=hostile))
    page.goto(web_stack.demo_url)
    page.locator("button.tldvc-launcher").click()
    expect(page.locator(f"{BOT} .tldvc-text").first).to_contain_text(XSS, timeout=30_000)
    expect(page.locator(".tldvc-quick button").first).to_have_text(XSS)
    hrefs = page.locator(".tldvc-log a").evaluate_all("els => els.map(e => e.href)")
    assert all(href.startswith(("http://", "https://")) for href in hrefs), hrefs
    assert page.locator(".tldvc-log img, .tldvc-log script").count() == 0
    assert page.evaluate("() => window.__xss") is None
    steps.shot("hostile-bot-reply")


def test_long_message_is_cut_with_a_notice_before_sending(page: Page, web_stack, steps):
    open_widget(page, web_stack.demo_url)
    box = page.locator("textarea.tldvc-input")
    box.fill("làm hộ chiếu " * 150)
    expect(page.locator(".tldvc-notice")).to_contain_text("1.000")
    assert len(box.input_value()) <= 1000
    steps.shot("long-message-notice")


def test_falls_back_to_rest_when_socketio_is_unavailable(page: Page, web_stack, steps):
    page.route("**/socket.io/**", lambda route: route.abort())
    open_widget(page, web_stack.demo_url)
    assert widget_state(page)["transport"] == "rest"
    ask(page, "lệ phí làm hộ chiếu bao nhiêu")
    expect(page.locator(BOT).last).to_be_visible()
    assert "hộ chiếu" in " ".join(page.locator(BOT).all_inner_texts()).lower()
    steps.shot("rest-fallback")
    page.locator("button.tldvc-restart").click()
    page.locator("button.tldvc-confirm-yes").click()
    expect(page.locator(USER)).to_have_count(0)
    expect(page.locator(BOT).first).to_contain_text("Trợ lý Dịch vụ công", timeout=60_000)
    page.wait_for_timeout(1500)
    assert "sự cố" not in " ".join(page.locator(BOT).all_inner_texts())
    steps.shot("rest-started-over")


def test_reconnects_after_a_network_loss_and_tells_the_user(page: Page, web_stack, steps):
    open_widget(page, web_stack.demo_url)
    status = page.locator(".tldvc-status")
    page.evaluate("() => window.TroLyDichVuCong.widget.socket.io.engine.close()")
    expect(status).to_contain_text("Mất kết nối")
    steps.shot("connection-lost")
    expect(status).to_contain_text("kết nối lại", timeout=30_000)
    steps.shot("reconnected")
    ask(page, "xin chào")
    assert widget_state(page)["transport"] == "socketio"


def test_keyboard_only_use_with_visible_focus(page: Page, web_stack, steps):
    page.goto(web_stack.demo_url)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('tldvc-launcher')"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline
    page.keyboard.press("Enter")
    expect(page.locator(".tldvc-quick button").first).to_be_visible(timeout=60_000)
    steps.shot("opened-by-keyboard")
    page.locator("textarea.tldvc-input").focus()
    page.keyboard.type("xin chào")
    before = page.locator(BOT).count()
    page.keyboard.press("Enter")
    wait_for_bot(page, before)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('.tldvc-quick')"):
            break
    else:
        pytest.fail("no quick reply button can be reached with Tab")
    steps.shot("quick-reply-focused")
    before = page.locator(BOT).count()
    page.keyboard.press("Enter")
    wait_for_bot(page, before)
    page.keyboard.press("Escape")
    expect(page.locator(".tldvc-panel")).to_be_hidden()
    assert page.evaluate("() => document.activeElement.classList.contains('tldvc-launcher')")


CONTRAST = """
(rootSelector) => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  const root = document.querySelector(rootSelector);
  for (const el of root.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || box.width === 0 || box.height === 0) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || parseFloat(s.opacity) < 0.1) continue;
    const fg = lum(parse(s.color).slice(0, 3)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) failures.push([el.className, el.textContent.trim().slice(0, 30),
                                     ratio.toFixed(2)]);
  }
  return failures;
}
"""


def test_aria_roles_labels_and_contrast(page: Page, web_stack, steps):
    open_widget(page, web_stack.demo_url)
    ask(page, "lệ phí làm hộ chiếu bao nhiêu")
    log = page.locator(".tldvc-log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    assert page.locator(".tldvc-panel").get_attribute("role") == "dialog"
    expect(page.get_by_label("Nội dung câu hỏi")).to_be_visible()
    unlabeled = page.locator("#tldvc-root button:visible").evaluate_all(
        "els => els.filter(e => !(e.getAttribute('aria-label') || e.textContent.trim()))"
        ".map(e => e.className)"
    )
    assert unlabeled == []
    assert page.evaluate(CONTRAST, "#tldvc-root") == []
    page.locator("button.tldvc-large").click()
    steps.shot("large-mode-contrast")
    assert page.evaluate(CONTRAST, "#tldvc-root") == []


FAKE_VIETNAMESE_VOICE = """
(() => {
  const voice = {name: 'Tiếng Việt (thử)', lang: 'vi-VN', default: true, localService: true,
                 voiceURI: 'vi-test'};
  window.__spoken = [];
  const synth = {
    getVoices: () => [voice], speak: u => window.__spoken.push([u.text, u.lang]),
    cancel: () => {}, pause: () => {}, resume: () => {}, speaking: false, pending: false,
    addEventListener: () => {}, removeEventListener: () => {}, onvoiceschanged: null,
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
})();
"""


def test_read_aloud_only_with_a_vietnamese_voice(browser, web_stack, steps, page):
    open_widget(page, web_stack.demo_url)
    # Headless Chromium has no Vietnamese voice: the buttons are not offered.
    expect(page.locator("button.tldvc-speak:visible")).to_have_count(0)

    context = browser.new_context(viewport={"width": 412, "height": 860}, locale="vi-VN")
    try:
        voiced = context.new_page()
        voiced.add_init_script(FAKE_VIETNAMESE_VOICE)
        open_widget(voiced, web_stack.demo_url)
        speak = voiced.locator("button.tldvc-speak").first
        expect(speak).to_be_visible()
        steps.shot("read-aloud", page=voiced)
        speak.click()
        spoken = voiced.evaluate("() => window.__spoken")
        assert spoken and spoken[0][1].startswith("vi")
        assert "Trợ lý Dịch vụ công" in spoken[0][0]
    finally:
        context.close()


def test_feedback_and_satisfaction_are_stored_for_staff(page: Page, web_stack, steps):
    open_widget(page, web_stack.demo_url)
    ask(page, "lệ phí làm hộ chiếu bao nhiêu")
    session_id = widget_state(page)["sessionId"]
    up = page.locator("button.tldvc-thumb-up").last
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    steps.shot("thumb-up")
    page.locator("button.tldvc-end").click()
    survey = page.locator(".tldvc-survey")
    expect(survey).to_be_visible()
    survey.locator("button.tldvc-unsatisfied").click()
    survey.locator("textarea.tldvc-comment").fill("Gọi lại cho tôi số 0912345678 nhé")
    steps.shot("survey")
    survey.locator("button.tldvc-survey-send").click()
    expect(survey).to_contain_text("Cảm ơn")
    steps.shot("survey-sent")

    stored = Repository(web_stack.kb_url).list_feedback()
    rows = [r for r in stored if r["session_id"] == session_id]
    kinds = {(r["kind"], r["rating"]) for r in rows}
    assert ("answer", "up") in kinds
    assert ("session", "unsatisfied") in kinds
    comment = next(r["comment"] for r in rows if r["kind"] == "session")
    assert "0912345678" not in comment and "5678" not in comment  # masked before storing
    assert "091*******" in comment
    answer = next(r["answer"] for r in rows if r["kind"] == "answer")
    assert "hộ chiếu" in answer.lower()


def test_conversation_can_be_downloaded_and_started_over(page: Page, web_stack, steps):
    open_widget(page, web_stack.demo_url)
    ask(page, "lệ phí làm hộ chiếu bao nhiêu")
    with page.expect_download() as download:
        page.locator("button.tldvc-download").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert "lệ phí làm hộ chiếu bao nhiêu" in text
    assert "Trợ lý" in text and re.search(r"\d\d:\d\d", text)
    download.value.save_as(steps.folder / "conversation.txt")
    page.evaluate("() => { window.__printed = 0; window.print = () => window.__printed++; }")
    page.locator("button.tldvc-print").click()
    assert page.evaluate("() => window.__printed") == 1

    page.locator("button.tldvc-restart").click()
    confirm = page.locator("#tldvc-root button", has_text=re.compile("Đồng ý|Bắt đầu lại"))
    if confirm.count() > 1:  # the confirm step
        confirm.last.click()
    expect(page.locator(USER)).to_have_count(0, timeout=30_000)
    expect(page.locator(BOT).first).to_contain_text("Trợ lý Dịch vụ công", timeout=60_000)
    steps.shot("started-over")
