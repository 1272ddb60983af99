"""Unit tests of the Vietnamese text normalisation shared by NLU and the resolver."""

import unicodedata

import pytest

from procedure_kb.text import (
    clean_controls,
    expand_abbreviations,
    fold,
    has_diacritics,
    nfc,
    normalize,
    normalize_word,
    squeeze_repeats,
)


def test_fold_removes_tone_and_vowel_marks_including_d_bar():
    assert fold("Đăng ký khai sinh cho bé ở Hà Nội") == "Dang ky khai sinh cho be o Ha Noi"
    assert fold("đường ướt ưng ý ở ạ") == "duong uot ung y o a"


def test_fold_is_length_preserving_on_nfc_text():
    text = nfc("Lệ phí cấp hộ chiếu là bao nhiêu ạ? Đắt không?")
    assert len(fold(text)) == len(text)


def test_nfd_and_nfc_input_normalise_alike():
    accented = "Giấy chứng nhận quyền sử dụng đất"
    decomposed = unicodedata.normalize("NFD", accented)
    assert decomposed != accented
    assert normalize(decomposed) == normalize(accented) == "giay chung nhan quyen su dung dat"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lam cccd mat bao lau", "lam can cuoc cong dan mat bao lau"),
        ("dk ks cho be", "dang ky khai sinh cho be"),
        ("đổi GPLX ở đâu", "doi giay phep lai xe o dau"),
        ("the bhyt cho con dc ko", "the bao hiem y te cho con duoc khong"),
        ("tách hk", "tach ho khau"),
        ("tt nop dvc ntn", "thu tuc nop dich vu cong nhu the nao"),
        ("cho xin sdt", "cho xin so dien thoai"),
    ],
)
def test_abbreviations_and_teencode_are_expanded(typed, expected):
    assert normalize(typed) == expected


def test_repeated_letters_are_squeezed():
    assert squeeze_repeats("cảm ơnnnnn nhiềuuuu") == "cảm ơn nhiều"
    assert normalize("alooooo") == "alo"
    assert normalize("2000") == "2000"  # digits are kept


def test_controls_and_zero_width_characters_become_spaces():
    text = "khai\x00sinh\u200b\x1b"
    cleaned = clean_controls(text)
    assert len(cleaned) == len(text)
    assert normalize(text) == "khai sinh"


def test_empty_emoji_and_huge_inputs():
    assert normalize("") == ""
    assert normalize("😀🙏👍") == ""
    huge = "làm căn cước " * 800  # ~10,000 characters
    assert len(huge) > 10_000
    assert normalize(huge).split()[:3] == ["lam", "can", "cuoc"]


def test_has_diacritics():
    assert has_diacritics("lệ phí")
    assert not has_diacritics("le phi")
    assert has_diacritics("đi")


def test_normalize_word_and_two_word_keys():
    assert normalize_word("GPLX") == "giay phep lai xe"
    assert expand_abbreviations(["kh", "hon"]) == ["ket", "hon"]
