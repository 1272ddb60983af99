"""The plain-words rules catch what they name and let the plain version through."""

from __future__ import annotations

import unicodedata

import pytest

from procedure_kb import plain_words as pw


@pytest.mark.parametrize(
    "text",
    [
        "Nộp tại Bộ phận Một cửa của UBND cấp xã.",
        "Cấp thẻ BHYT cho trẻ em dưới 6 tuổi.",
        "UBND cấp xã, tức Ủy ban nhân dân (UBND) cấp xã.",  # the first use is the bare one
    ],
)
def test_an_abbreviation_without_its_expansion_is_caught(text: str) -> None:
    assert any("used without its expansion" in p for p in pw.check(text, "text"))


@pytest.mark.parametrize(
    "text",
    [
        "Nộp tại Ủy ban nhân dân (UBND) cấp xã; UBND trả kết quả trong ngày.",
        "Lệ phí theo Thông tư 85/2019/TT-BTC và Nghị định 123/2015/NĐ-CP.",
        "Mẫu TK1-TS ban hành kèm Quyết định 595/QĐ-BHXH.",
    ],
)
def test_an_expanded_abbreviation_or_a_legal_number_passes(text: str) -> None:
    assert pw.unexpanded(text) == []


def test_decomposed_diacritics_are_caught() -> None:
    text = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    assert pw.not_nfc(text) and not pw.not_nfc(unicodedata.normalize("NFC", text))


def test_a_note_of_three_sentences_or_too_many_characters_is_caught() -> None:
    assert pw.too_long("Mang bản chính. Nộp bản sao. Chờ kết quả.", "note")
    assert pw.too_long("Mang bản chính " + "và bản sao " * 30 + ".", "note")
    assert pw.too_long("Bước 1. Mang bản chính. Cán bộ đối chiếu.", "note") == []
    assert pw.too_long("Phí 15.000 đồng. Trẻ em được miễn.", "note") == []


def test_a_bubble_longer_than_a_phone_screen_is_caught() -> None:
    bullets = "\n".join(f"• Điều kiện thứ {n} của thủ tục này." for n in range(pw.SCREEN_LINES))
    assert pw.too_long("Điều kiện:\n" + bullets, "bubble")
    assert pw.too_long("Điều kiện:\n" + bullets.split("\n", 1)[1], "bubble") == []


@pytest.mark.parametrize(
    "line",
    [
        "• Giấy chứng sinh (bản chính): 1 bản chính.",
        "• Thẻ căn cước (bản sao): 1 bản sao – không cần mang nếu đã có trong VNeID.",
        "20.000 đồng/lần. Một số đối tượng được miễn.",
        "Lệ phí theo mức của tỉnh; một số trường hợp được miễn.",
        "• Cơ quan giải quyết: cán bộ đang kiểm tra lại thông tin này.",
        "• Tờ khai (Mẫu ban hành kèm Thông tư 04/2024/TT-BTP (thay mẫu cũ)): 1 bản chính.",
    ],
)
def test_a_line_that_says_nothing_is_caught(line: str) -> None:
    assert pw.says_nothing(line)


@pytest.mark.parametrize(
    "line",
    [
        "• Giấy chứng sinh: 1 bản chính.",
        "• Giấy tờ tùy thân (bản chính hoặc bản sao): 1 bản chính.",
        "20.000 đồng/lần. Được miễn: người có công, hộ nghèo, trẻ em.",
        "Một số đối tượng được miễn (người có công, hộ nghèo).",
        "Lệ phí theo mức của tỉnh; Anh/Chị hỏi cán bộ xem mình có thuộc diện được miễn không.",
        "Lưu ý: Cán bộ đang kiểm tra lại các bước ở trên.",
        "• Tờ khai (Mẫu ban hành kèm Thông tư 04/2024/TT-BTP, thay mẫu cũ): 1 bản chính.",
    ],
)
def test_a_line_that_says_something_passes(line: str) -> None:
    assert pw.says_nothing(line) == []
