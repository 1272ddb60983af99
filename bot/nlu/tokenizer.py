"""Vietnamese tokenizer for Rasa 3: NFC clean-up, underthesea word segmentation, folded lemmas.

The message text is only changed in length-preserving ways (NFC, control characters to spaces), so
entity offsets stay true to what the citizen typed. Each token keeps the original characters in
``Token.text``; ``Token.lemma`` holds the normalised form (lower case, no diacritics, abbreviations
expanded, syllables joined by ``_``), which ``CountVectorsFeaturizer`` uses by default. A question
typed with or without tone marks therefore yields the same lemmas for the same words.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from underthesea import word_tokenize

from procedure_kb.text import clean_controls, has_diacritics, nfc, normalize_word

# Longer inputs are cut before segmentation: a chat message longer than this is noise.
MAX_SEGMENT_CHARS = 2000
_WORD_CHARS = re.compile(r"\w", re.UNICODE)


def clean_text(text: str) -> str:
    """NFC and control characters replaced: the only changes made to the message text."""
    return clean_controls(nfc(text or ""))


def lemma_for(surface: str, joiner: str = " ") -> str:
    """The folded, normalised lemma of one (possibly multi-syllable) token.

    Syllables are joined with ``joiner``. With a space, the sentence-level word and character
    n-grams of "giấy tờ" segmented as one word equal those of "giay" + "to" split as syllables.
    """
    parts = [normalize_word(part) for part in surface.split()]
    return joiner.join(" ".join(parts).split())


def syllables(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of whitespace-separated syllables and punctuation-free runs."""
    return [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]+", text)]


def segment(text: str, unmarked: str = "underthesea") -> list[tuple[int, int]]:
    """Return (start, end) spans of the words in ``text``.

    underthesea's model learnt word boundaries from marked text; on text typed without any tone
    marks it glues unrelated syllables ("can giay", "nop ho"). With ``unmarked="syllables"`` such
    text is split into syllables instead, and word bigram features recover the compounds.
    """
    if unmarked == "syllables" and not has_diacritics(text):
        return syllables(text)
    head = text[:MAX_SEGMENT_CHARS]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for word in word_tokenize(head, use_token_normalize=False):
        start = head.find(word, cursor)
        if start < 0:  # underthesea changed the word; fall back to its syllables
            for syllable in word.split():
                start = head.find(syllable, cursor)
                if start >= 0:
                    spans.append((start, start + len(syllable)))
                    cursor = start + len(syllable)
            continue
        spans.append((start, start + len(word)))
        cursor = start + len(word)
    if len(text) > MAX_SEGMENT_CHARS:  # rest of a huge message: whitespace words
        tail = re.finditer(r"\S+", text[MAX_SEGMENT_CHARS:])
        spans.extend((MAX_SEGMENT_CHARS + m.start(), MAX_SEGMENT_CHARS + m.end()) for m in tail)
    return spans


def split_at(spans: list[tuple[int, int]], cuts: set[int]) -> list[tuple[int, int]]:
    """Split spans at the given character offsets (entity boundaries in training data)."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        points = sorted(c for c in cuts if start < c < end)
        for point in [*points, end]:
            piece = (start, point)
            if piece[0] < piece[1]:
                out.append(piece)
            start = point
    return out


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(Tokenizer):
    """underthesea word segmentation with offsets kept and diacritic-free lemmas."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa tokenizer options; nothing Vietnamese-specific to configure."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # How to split text typed without any diacritics: "syllables" or "underthesea".
            "unmarked_text": "syllables",
            # What joins the syllables of a multi-syllable word in its lemma.
            "lemma_joiner": " ",
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseTokenizer:
        """Create the component (no trained state)."""
        return cls(config)

    @staticmethod
    def required_packages() -> list[str]:
        """underthesea does the segmentation."""
        return ["underthesea"]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Clean each example's text, then tokenize as Rasa does."""
        for example in training_data.training_examples:
            self._clean(example)
        return super().process_training_data(training_data)

    def process(self, messages: list[Message]) -> list[Message]:
        """Clean each incoming message's text, then tokenize."""
        for message in messages:
            self._clean(message)
        return super().process(messages)

    @staticmethod
    def _clean(message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str):
            cleaned = clean_text(text)
            # Annotated examples keep their offsets: only a same-length clean-up is applied.
            if len(cleaned) == len(text) or not message.get(ENTITIES):
                message.set(TEXT, cleaned)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Segment ``attribute`` of the message into tokens with folded lemmas."""
        text = message.get(attribute) or ""
        spans = segment(text, self._config["unmarked_text"])
        cuts = {b for e in message.get(ENTITIES) or [] for b in (e.get("start"), e.get("end"))}
        if attribute == TEXT and cuts:
            spans = split_at(spans, {c for c in cuts if isinstance(c, int)})
        tokens = []
        for start, end in spans:
            surface = text[start:end]
            if not _WORD_CHARS.search(surface):
                continue  # punctuation and emoji carry no meaning here
            tokens.append(
                Token(surface, start, lemma=lemma_for(surface, self._config["lemma_joiner"]))
            )
        if not tokens:
            # Rasa needs at least one token; an empty or symbol-only message gets a placeholder.
            tokens = [Token(text or " ", 0, lemma="__empty__")]
        return self._apply_token_pattern(tokens)
