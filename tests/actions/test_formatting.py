"""actions.formatting: review notes, payloads and dossier lines (pure functions)."""

from __future__ import annotations

from actions import formatting as f

RECORD = {
    "id": "vi-du",
    "name": "Thủ tục ví dụ",
    "agency": "Ủy ban nhân dân cấp xã",
    "summary": "Một thủ tục để thử.",
    "submission": [
        {"channel": "in_person", "time_days": 3, "time_text": None, "fee": None, "fee_vnd": 15000},
        {"channel": "online", "time_days": 3, "time_text": None, "fee": None, "fee_vnd": 0},
    ],
    "online_level": "full",
    "portal_url": "https://dichvucong.gov.vn",
    "steps": ["Nộp hồ sơ", "Bước 2: Nhận kết quả"],
    "documents": [],
    "conditions": [],
    "applicants": None,
    "source": "https://nguon.example/thu-tuc",
    "needs_review": [],
}


def test_a_note_on_one_way_withholds_that_ways_value_and_says_where_to_confirm() -> None:
    record = dict(RECORD, needs_review=["submission[1].fee_vnd: mức giảm trực tuyến chưa rõ"])
    assert f.review_sections(record) == {"fee"}
    text = "\n".join(b.text for b in f.fee_answer(record, f.Related()))
    assert "Nộp trực tiếp: 15.000 đồng." in text and "Miễn phí" not in text
    assert "Lưu ý: Lệ phí (nộp trực tuyến) đang được cán bộ kiểm tra lại nên tôi chưa nêu." in text
    assert RECORD["source"] in text and "Tổng đài Dịch vụ công" in text


def test_a_note_on_every_way_puts_the_line_in_place_of_the_fee() -> None:
    record = dict(RECORD, needs_review=["fee: mức thu mới chưa rõ"])
    bubbles = f.fee_answer(record, f.Related())
    text = "\n".join(b.text for b in bubbles)
    assert "15.000" not in text and "Miễn phí" not in text
    assert text.count("đang được cán bộ kiểm tra lại") == 1
    assert "• Lệ phí đang được cán bộ kiểm tra lại nên tôi chưa nêu." in text


def test_the_overview_names_every_part_in_doubt_once() -> None:
    record = dict(
        RECORD,
        needs_review=["agency: sau sáp nhập", "time_days: chưa rõ", "steps: thứ tự mới"],
    )
    text = "\n".join(b.text for b in f.overview(record, f.Related()))
    assert "Cơ quan giải quyết:" not in text and "Thời gian:" not in text
    assert text.count("Lưu ý") == 1
    assert "Cơ quan giải quyết và thời gian giải quyết đang được cán bộ kiểm tra lại" in text


def test_notes_on_fields_no_answer_shows_change_nothing() -> None:
    record = dict(RECORD, needs_review=["code: chưa có mã", "legal_basis: ngày ban hành"])
    assert f.review_sections(record) == {"legal_basis"}  # printed on the checklist only
    assert "Lưu ý" not in "\n".join(b.text for b in f.overview(record, f.Related()))


def test_time_in_working_days_and_numbered_steps() -> None:
    text = f.time_answer(RECORD, f.Related())[0].text
    assert "• 3 ngày làm việc." in text and "không tính thứ Bảy, Chủ nhật" in text
    steps = f.steps_answer(RECORD, f.Related())[0].text.splitlines()
    assert steps[1:] == ["• Bước 1: Nộp hồ sơ.", "• Bước 2: Nhận kết quả."]


def test_document_line_counts_template_skip_and_note() -> None:
    item = {
        "document": "to-khai",
        "name": "Tờ khai",
        "template": "Mẫu CT01",
        "originals": 1,
        "copies": 2,
        "note": "Ký ghi rõ họ tên",
        "skip_if": ["population_db", "vneid"],
    }
    assert f.document_line(item) == (
        "Tờ khai (Mẫu CT01): 1 bản chính và 2 bản sao – không cần mang nếu thông tin đã có trong "
        "Cơ sở dữ liệu quốc gia về dân cư hoặc ứng dụng VNeID. Ký ghi rõ họ tên."
    )


def test_payloads_and_button_titles() -> None:
    assert f.payload("ask_fee", procedure="khai-sinh") == '/ask_fee{"procedure":"khai-sinh"}'
    assert f.payload("human_handoff") == "/human_handoff"
    long = f.button("x " * 80, "ask_faq", faq="quen-mat-khau")
    assert len(long["title"]) <= 60 and long["title"].endswith("…")


def test_next_buttons_skip_the_answered_question_and_empty_sections() -> None:
    titles = [b["title"] for b in f.next_buttons(RECORD, "ask_fee")]
    assert titles == ["Giấy tờ cần chuẩn bị", "Thời gian", "Nộp trực tuyến", "Nơi nộp", "Các bước"]
