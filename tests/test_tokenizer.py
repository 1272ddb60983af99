"""Unit tests of the underthesea-based Rasa tokenizer."""

import unicodedata

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import VietnameseTokenizer, lemma_for


@pytest.fixture(scope="module")
def tokenizer() -> VietnameseTokenizer:
    return VietnameseTokenizer(VietnameseTokenizer.get_default_config())


def tokens_of(tokenizer: VietnameseTokenizer, text: str):
    message = Message.build(text=text)
    tokenizer.process([message])
    return message.get("text_tokens")


def test_words_are_segmented_and_offsets_point_into_the_original(tokenizer):
    text = "Làm giấy khai sinh cho con cần những giấy tờ gì ạ?"
    tokens = tokens_of(tokenizer, text)
    assert [t.text for t in tokens][:4] == ["Làm", "giấy", "khai sinh", "cho"]
    for token in tokens:
        assert text[token.start : token.end] == token.text


def test_lemmas_are_folded_and_syllables_kept_apart(tokenizer):
    tokens = tokens_of(tokenizer, "Giấy tờ cần những gì")
    assert tokens[0].text == "Giấy tờ"
    assert tokens[0].lemma == "giay to"


def test_same_words_get_same_lemmas_with_or_without_diacritics(tokenizer):
    marked = tokens_of(tokenizer, "đăng ký tạm trú")
    plain = tokens_of(tokenizer, "dang ky tam tru")
    assert " ".join(t.lemma for t in marked) == " ".join(t.lemma for t in plain)


def test_abbreviation_lemma_is_expanded():
    assert lemma_for("gplx") == "giay phep lai xe"
    assert lemma_for("CCCD", joiner="_") == "can_cuoc_cong_dan"


def test_nfd_input_is_cleaned_to_nfc(tokenizer):
    text = unicodedata.normalize("NFD", "hộ chiếu")
    message = Message.build(text=text)
    tokenizer.process([message])
    assert message.get(TEXT) == "hộ chiếu"
    assert [t.lemma for t in message.get("text_tokens")] == ["ho chieu"]


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "?!?", "\x00\x01\x02"])
def test_empty_and_symbol_only_messages_get_one_placeholder_token(tokenizer, text):
    tokens = tokens_of(tokenizer, text)
    assert len(tokens) == 1
    assert tokens[0].lemma == "__empty__"


def test_emoji_and_control_characters_inside_text(tokenizer):
    tokens = tokens_of(tokenizer, "làm\x00 hộ chiếu 😀 ở đâu")
    assert [t.lemma for t in tokens] == ["lam", "ho chieu", "o", "dau"]


def test_ten_thousand_character_message(tokenizer):
    text = ("tôi muốn hỏi về thủ tục làm hộ chiếu " * 300)[:10_000]
    tokens = tokens_of(tokenizer, text)
    assert len(tokens) > 1000
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert tokens[-1].end <= len(text)


def test_training_examples_split_at_entity_boundaries(tokenizer):
    message = Message.build(
        text="làm giấy khai sinh",
        entities=[{"start": 4, "end": 18, "value": "giấy khai sinh", "entity": "procedure"}],
    )
    tokens = tokenizer.tokenize(message, TEXT)
    starts = {t.start for t in tokens}
    ends = {t.end for t in tokens}
    assert 4 in starts and 18 in ends
