"""Fuzzy phrase search over folded Vietnamese text: the engine behind :mod:`procedure_kb.resolver`.

A :class:`PhraseIndex` holds the phrases that name a set of records (names, aliases, keywords,
FAQ phrasings...). A query is scored against every phrase at once:

* text is normalised with :func:`procedure_kb.text.normalize` (folded, abbreviations expanded),
  then split into syllables; final ``y`` after a consonant is written ``i`` ("ky" = "ki");
  the diacritic marks a syllable was typed with are kept aside: matching is diacritic-insensitive,
  but a syllable typed with marks that the index never has for it ("đặt" vs "đất", "tổng đài" vs
  "đất đai") counts less, and is not spell-corrected;
* typos are corrected per syllable against the index vocabulary (one edit, SymSpell-style
  deletion index) when a neighbour confirms the reading ("khai xinh", "mai bang" -> "mai
  táng") or the typed word cannot be a Vietnamese syllable ("sihn"); run-together syllables
  ("khaisinh") are split; a long abbreviation with one typo ("ccdc") is expanded;
* spaCy's ``PhraseMatcher`` finds exact phrase hits; the longest hit wins where hits overlap;
* each phrase gets a *recall*: the share of its IDF-weighted syllables and syllable pairs present
  in the query, computed for all phrases with one ``numpy.bincount`` over an inverted index;
* a record's score is its best phrase recall, nudged by *coverage*: the share of the query's
  content that the record's phrases explain, and by how much of its official name the text
  covers (both break ties between close records);
* the longest match wins, fuzzily too: a record whose evidence is a strict part of what another
  well-matched record explains loses a little ("khai sinh" inside "sửa tên trong giấy khai
  sinh" -> cải chính hộ tịch).

Words that only say what is being asked ("lệ phí", "bao lâu", "ở đâu", "thủ tục"...) are weighted
down, unless they are part of an exact phrase hit, so they never decide the record.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from procedure_kb.text import (
    ABBREVIATIONS,
    clean_controls,
    fold,
    nfc,
    normalize,
    squeeze_repeats,
)

MAX_TOKENS = 160  # longer messages are cut: enough for a rambling paragraph, bounded latency
STOP_FACTOR = 0.1  # weight kept by a word that only says what is asked
CORRECTED_FACTOR = 0.8  # weight kept by a corrected syllable that its neighbours confirm
GUESSED_FACTOR = 0.6  # weight kept by a correction of a non-syllable that nothing confirms
REAL_WORD_FACTOR = 0.6  # weight of a neighbour-confirmed reading of a real word ("bang" -> "tang")
PAIR_WEIGHT = 0.5  # weight of an adjacent syllable pair relative to its IDF
COVERAGE_WEIGHT = 0.25  # share of the score that comes from explaining the whole query
SHADOW_FACTOR = 0.9  # records whose evidence lies inside a longer match of another record
CONTAINER_RECALL = 0.75  # ... a match at least this good
MARK_MISMATCH = 0.35  # weight kept by a word typed with marks the index lacks ("đặt"/"đất")
MAX_CORRECTIONS = 5  # unconfirmed guesses kept for a non-syllable
NAME_WEIGHT = 0.03  # share of the score from the official name: of two records that fit alike,
# the one whose name the text covers best wins ("Bổ sung thường trú" over "... cho tổ chức")

# Function words and chat particles: never content. Only syllables that stay unambiguous once
# folded: "tu" (từ / tử), "ban" (bạn / bản), "sao" (sao / bản sao), "o" (ở / nhà ở) are content.
FUNCTION_WORDS: tuple[str, ...] = (
    "a",
    "ah",
    "ak",
    "oi",
    "nhe",
    "nha",
    "nhi",
    "vay",
    "voi",
    "va",
    "hay",
    "hoac",
    "thi",
    "la",
    "gi",
    "nao",
    "ai",
    "khong",
    "duoc",
    "roi",
    "chua",
    "toi",
    "minh",
    "em",
    "nhung",
    "cac",
    "nua",
    "neu",
    "xin",
    "phai",
    "giup",
    "cho toi",
    "cho em",
    "cho minh",
    "giup toi",
    "giup em",
    "the nao",
    "nhu the nao",
    "lam sao",
    "ra sao",
    "thi sao",
    "lam the nao",
    "nhu nao",
    "co the",
    "co duoc khong",
    "duoc khong",
    "co phai",
    "vui long",
    "huong dan",
    "a oi",
    "ad oi",
)
# What is asked about a procedure: weighted down so that it never decides the procedure.
PROCEDURE_QUESTION_WORDS: tuple[str, ...] = (
    "le phi",
    "phi",
    "bao nhieu",
    "bao nhieu tien",
    "mat bao nhieu",
    "het bao nhieu",
    "mat bao nhieu tien",
    "het bao nhieu tien",
    "chi phi",
    "bao lau",
    "mat bao lau",
    "trong bao lau",
    "may ngay",
    "mat may ngay",
    "bao gio",
    "khi nao",
    "thoi gian",
    "thoi han",
    "giay to gi",
    "giay to",
    "nhung giay to",
    "ho so",
    "ho so gom",
    "bo ho so",
    "thanh phan ho so",
    "can nhung gi",
    "can chuan bi",
    "chuan bi",
    "can mang",
    "mang theo",
    "o dau",
    "noi nao",
    "cho nao",
    "nop o dau",
    "nop",
    "nop ho so",
    "co quan nao",
    "online",
    "truc tuyen",
    "qua mang",
    "tren mang",
    "dich vu cong",
    "cac buoc",
    "buoc",
    "trinh tu",
    "tren vneid",
    "qua vneid",
    "bang vneid",
    "tren ung dung vneid",
    "qua ung dung vneid",
    "tren app vneid",
    "qua app vneid",
    "tren dich vu cong",
    "qua dich vu cong",
    "qua buu dien",
    "tren cong dich vu cong",
    "qua cong dich vu cong",
    "tren app",
    "qua app",
    "quy trinh",
    "dieu kien",
    "ai duoc",
    "doi tuong",
    "thu tuc",
    "thu tuc hanh chinh",
    "lam",
    "lam gi",
    "can lam",
    "can lam gi",
    "phai lam",
    "phai lam gi",
    "muon lam",
    "toi muon",
    "em muon",
    "minh muon",
    "can gi",
    "gom",
    "gom nhung gi",
    "ket qua",
    "nhan ket qua",
)
# What is asked about a document.
DOCUMENT_QUESTION_WORDS: tuple[str, ...] = (
    "la gi",
    "giay gi",
    "la giay gi",
    "o dau",
    "lay o dau",
    "xin o dau",
    "mua o dau",
    "dien the nao",
    "ghi the nao",
    "cach dien",
    "cach ghi",
    "can khong",
    "co can",
    "lam",
    "can gi",
    "tai ve",
    "mau",
    "bieu mau",
    "ai cap",
    "co quan nao cap",
    "de lam gi",
    "dung de",
)

_CONSONANT_Y = re.compile(r"^([bcdghklmnpqrstvx]+)y$")
# A folded Vietnamese syllable: optional onset, one to three vowels, optional final consonant.
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|nh|ng|[cmnpt])?$"
)
_WORD = re.compile(r"\w+", re.UNICODE)
_REPEATED = re.compile(r"([^\W\d_])\1{2,}")  # as in procedure_kb.text.squeeze_repeats

Marks = tuple[str | None, ...]
_Typed = tuple[float, frozenset[Marks]]  # a query feature: weight factor, marks typed


def is_syllable(word: str) -> bool:
    """True when ``word`` (folded) could be a Vietnamese syllable: "tiet" yes, "sihn" no."""
    return bool(_SYLLABLE.match(word))


def tokens(text: str) -> list[str]:
    """Normalised syllables of ``text`` (folded, abbreviations expanded, final y written i)."""
    return [_canonical(word) for word in normalize(text[: MAX_TOKENS * 12]).split()[:MAX_TOKENS]]


def _canonical(word: str) -> str:
    return _CONSONANT_Y.sub(r"\1i", word) if word.endswith("y") else word


def mark_signature(word: str) -> str | None:
    """The diacritic marks of one lower-case word, order-free ("hoá" = "hóa"); None if none."""
    marks = sorted(ch for ch in unicodedata.normalize("NFD", word) if unicodedata.combining(ch))
    if "đ" in word:
        marks.append("đ")
    return "".join(marks) or None


@dataclass(frozen=True)
class Words:
    """Normalised syllables of a text, with the marks each was typed with (None: none/unknown)."""

    folded: tuple[str, ...]
    marks: Marks

    @classmethod
    def read(cls, text: str) -> Words:
        """Read ``text`` like :func:`tokens`, keeping each syllable's diacritic marks."""
        text = text[: MAX_TOKENS * 12]
        lower = clean_controls(nfc(text)).lower()
        folded_text = fold(lower)  # same length: word spans line up
        spans = [m.span() for m in _WORD.finditer(lower)]
        raw = [lower[a:b] for a, b in spans]
        folded = [folded_text[a:b] for a, b in spans]
        if _REPEATED.search(folded_text):
            folded = [squeeze_repeats(w) for w in folded]
        words: list[str] = []
        marks: list[str | None] = []
        i = 0
        while i < len(raw):
            pair = " ".join(folded[i : i + 2])
            if i + 1 < len(raw) and pair in ABBREVIATIONS:
                expansion, i = ABBREVIATIONS[pair].split(), i + 2
                marks += [None] * len(expansion)
            elif folded[i] in ABBREVIATIONS:
                expansion, i = ABBREVIATIONS[folded[i]].split(), i + 1
                marks += [None] * len(expansion)
            else:
                expansion, i = [folded[i]], i + 1
                marks.append(None if raw[i - 1].isascii() else mark_signature(raw[i - 1]))
            words += [_canonical(w) for w in expansion]
        expected = tokens(text)
        if words[:MAX_TOKENS] != expected:  # text.normalize changed its rules: drop the marks
            words, marks = expected, [None] * len(expected)
        words, marks = _fix_abbreviation_typos(words[:MAX_TOKENS], marks[:MAX_TOKENS])
        return cls(tuple(words), tuple(marks))


# Abbreviations long enough to recognise with one typo ("ccdc", "cmdn" -> cccd, cmnd).
_LONG_ABBREVIATIONS = {
    key: value.split() for key, value in ABBREVIATIONS.items() if len(key) >= 4 and " " not in key
}


def _fix_abbreviation_typos(
    words: list[str], marks: list[str | None]
) -> tuple[list[str], list[str | None]]:
    """Expand a mistyped long abbreviation, one edit away from a known one."""
    out_words: list[str] = []
    out_marks: list[str | None] = []
    for word, mark in zip(words, marks, strict=True):
        expansion = None
        if mark is None and len(word) >= 4 and word.isalpha() and not is_syllable(word):
            typed = {word, word[:-1] + "y"} if word.endswith("i") else {word}  # "bhty" -> "bhti"
            expansion = next(
                (
                    v
                    for k, v in _LONG_ABBREVIATIONS.items()
                    if any(edit_distance_at_most_one(t, k) for t in typed)
                ),
                None,
            )
        if expansion:
            out_words += [_canonical(w) for w in expansion]
            out_marks += [None] * len(expansion)
        else:
            out_words.append(word)
            out_marks.append(mark)
    return out_words[:MAX_TOKENS], out_marks[:MAX_TOKENS]


def _phrase_table(phrases: Iterable[str]) -> tuple[dict[tuple[str, ...], bool], int]:
    table = {tuple(tokens(p)): True for p in phrases}
    table.pop((), None)
    return table, max((len(k) for k in table), default=0)


def stop_factors(
    words: Sequence[str],
    table: dict[tuple[str, ...], bool],
    longest: int,
    hits: Sequence[tuple[int, int]] = (),
) -> list[float]:
    """Per-position weight factors: :data:`STOP_FACTOR` where a stop phrase covers the word.

    Stop phrases are matched longest first. A word keeps its full weight when an exact hit of a
    record phrase (``hits``: start, end) covers it and reaches beyond the stop phrase: "thẻ" in
    "thẻ căn cước" is content, "vneid" in "nộp trên vneid" is only the channel.
    """
    factors = [1.0] * len(words)
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            if tuple(words[i : i + size]) in table:
                end = i + size
                wider = [(s, e) for s, e in hits if s < end and e > i and (s < i or e > end)]
                for j in range(i, end):
                    if not any(s <= j < e for s, e in wider):
                        factors[j] = STOP_FACTOR
                i = end
                break
        else:
            i += 1
    return factors


@dataclass(frozen=True)
class StopWords:
    """A compiled stop-phrase table."""

    table: dict[tuple[str, ...], bool]
    longest: int
    words: frozenset[str]  # every syllable of every stop phrase: known, never spell-corrected

    @classmethod
    def of(cls, *groups: Iterable[str]) -> StopWords:
        table, longest = _phrase_table(p for group in groups for p in group)
        return cls(table, longest, frozenset(w for key in table for w in key))

    def factors(self, words: Sequence[str], hits: Sequence[tuple[int, int]] = ()) -> list[float]:
        return stop_factors(words, self.table, self.longest, hits)


PROCEDURE_STOPS = StopWords.of(FUNCTION_WORDS, PROCEDURE_QUESTION_WORDS)
DOCUMENT_STOPS = StopWords.of(FUNCTION_WORDS, DOCUMENT_QUESTION_WORDS)
FAQ_STOPS = StopWords.of(FUNCTION_WORDS)


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


class Speller:
    """Corrects a syllable to vocabulary syllables one edit away (SymSpell deletion index)."""

    MIN_LENGTH = 3

    def __init__(self, frequency: dict[str, int]) -> None:
        self.frequency = frequency
        self._deletes: dict[str, list[str]] = defaultdict(list)
        for word in frequency:
            if len(word) >= self.MIN_LENGTH - 1 and word.isalpha():
                for variant in _deletions(word):
                    self._deletes[variant].append(word)

    def __contains__(self, word: str) -> bool:
        return word in self.frequency

    def suggest(self, word: str) -> list[str]:
        """Other vocabulary words one edit from ``word``, most frequent first."""
        if len(word) < self.MIN_LENGTH or not word.isalpha():
            return []
        found: set[str] = set(self._deletes.get(word, ()))
        for variant in _deletions(word):
            if variant in self.frequency:
                found.add(variant)
            found.update(self._deletes.get(variant, ()))
        good = [w for w in found if w != word and edit_distance_at_most_one(word, w)]
        good.sort(key=lambda w: (-self.frequency[w], w))
        return good

    def split(self, word: str) -> tuple[str, str] | None:
        """Split a run-together word into two vocabulary syllables ("khaisinh"), if possible."""
        if word in self.frequency or len(word) < 4 or not word.isalpha():
            return None
        best: tuple[int, tuple[str, str]] | None = None
        for cut in range(2, len(word) - 1):
            left, right = _canonical(word[:cut]), _canonical(word[cut:])
            if left in self.frequency and right in self.frequency:
                score = min(self.frequency[left], self.frequency[right])
                if best is None or score > best[0]:
                    best = (score, (left, right))
        return best[1] if best else None


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass(frozen=True)
class Phrase:
    """One way of naming a record: its syllables, their marks, how strongly it names it (0..1)."""

    record: int
    words: tuple[str, ...]
    marks: Marks
    strength: float
    name: bool = False  # the record's official name: breaks ties between equal scores


@dataclass(frozen=True)
class Hit:
    """A record's score for one query, with the evidence behind it."""

    record: int
    score: float
    recall: float  # best phrase: share of it found in the query, times its strength
    coverage: float  # share of the query's content explained by the record's phrases
    phrase: tuple[str, ...]  # the best phrase
    strength: float  # the best phrase's strength (1.0 for names and aliases)
    positions: frozenset[int]  # query positions (content words) that the best phrase explains
    name_recall: float  # share of the official name found in the query (breaks ties)


@dataclass(frozen=True)
class _Option:
    word: str  # a syllable the user may have meant at this position
    weight: float  # 1.0 as typed, less when corrected
    marks: str | None  # the marks typed, when ``word`` is the typed syllable


@dataclass
class _Query:
    options: list[list[_Option]]  # per position
    best: list[str]  # per position: the most likely syllable


class PhraseIndex:
    """Searchable phrases of ``n_records`` records; see the module docstring for the method."""

    def __init__(self, n_records: int, phrases: Iterable[Phrase], stops: StopWords) -> None:
        self.n_records = n_records
        self.stops = stops
        strongest: dict[tuple[int, tuple[str, ...]], Phrase] = {}
        for p in phrases:
            key = (p.record, p.words)
            if p.words and key in strongest:
                old = strongest[key]
                p = replace(p, strength=max(p.strength, old.strength), name=p.name or old.name)
            if p.words:
                strongest[key] = p
        self.phrases = [strongest[key] for key in sorted(strongest)]
        self._phrase_record = np.array([p.record for p in self.phrases], dtype=np.int64)
        self._strength = np.array([p.strength for p in self.phrases], dtype=np.float64)
        self._name_phrase = np.full(n_records, -1, dtype=np.int64)
        for pid, phrase in enumerate(self.phrases):
            if phrase.name:
                self._name_phrase[phrase.record] = pid
        self._build_features()
        self._weigh_one_word_phrases()
        self._build_matcher()

    # ---------------------------------------------------------------- building
    def _build_features(self) -> None:
        """Inverted index over (feature, marks form) keys, as flat arrays; IDF over records."""
        n_records = max(self.n_records, 1)
        feature_ids: dict[str, int] = {}
        key_ids: dict[tuple[int, Marks], int] = {}  # (feature, form) -> posting key
        key_feature: list[int] = []
        rows_phrase: list[int] = []
        rows_key: list[int] = []
        rows_factor: list[float] = []
        syllable_ids: dict[tuple[str, str | None], int] = {}  # (syllable, marks) -> key
        syllable_rows: list[int] = []
        syllable_records: list[int] = []
        feature_memo: dict[tuple[str, ...], dict[str, float]] = {}
        form_memo: dict[tuple[tuple[str, ...], Marks], dict[str, Marks]] = {}
        for pid, phrase in enumerate(self.phrases):
            feats = feature_memo.get(phrase.words)
            if feats is None:
                feats = feature_memo[phrase.words] = self._phrase_features(phrase.words)
            forms = form_memo.get((phrase.words, phrase.marks))
            if forms is None:
                forms = form_memo[(phrase.words, phrase.marks)] = _forms(phrase)
            for feat, factor in feats.items():
                fid = feature_ids.setdefault(feat, len(feature_ids))
                key = key_ids.setdefault((fid, forms[feat]), len(key_feature))
                if key == len(key_feature):
                    key_feature.append(fid)
                rows_phrase.append(pid)
                rows_key.append(key)
                rows_factor.append(factor)
            for pair in zip(phrase.words, phrase.marks, strict=True):
                syllable_rows.append(syllable_ids.setdefault(pair, len(syllable_ids)))
                syllable_records.append(phrase.record)
        phrase_ids = np.array(rows_phrase, dtype=np.int64)
        keys = np.array(rows_key, dtype=np.int64)
        fids = np.array(key_feature, dtype=np.int64)[keys]
        pairs = np.unique(fids * n_records + self._phrase_record[phrase_ids])
        df = np.bincount(pairs // n_records, minlength=len(feature_ids))
        idf = np.log1p(n_records / np.maximum(df, 1))
        names = list(feature_ids)
        is_pair = np.fromiter((" " in f for f in names), dtype=bool, count=len(names))
        feature_weight = idf * np.where(is_pair, PAIR_WEIGHT, 1.0)
        weights = feature_weight[fids] * np.array(rows_factor)
        total = np.bincount(phrase_ids, weights=weights, minlength=len(self.phrases))
        self._total = np.where(total > 0, total, 1.0)
        self.idf = dict(zip(names, idf.tolist(), strict=True))
        order = np.argsort(keys, kind="stable")
        self._posting_phrase = phrase_ids[order]
        self._posting_weight = weights[order]
        bounds = np.concatenate(([0], np.cumsum(np.bincount(keys, minlength=len(key_feature)))))
        self._postings: dict[str, list[tuple[Marks, int, int]]] = defaultdict(list)
        for (fid, form), key in key_ids.items():
            self._postings[names[fid]].append((form, int(bounds[key]), int(bounds[key + 1])))
        self._build_syllables(syllable_ids, syllable_rows, syllable_records)
        starts = np.searchsorted(self._phrase_record, np.arange(self.n_records))
        self._has_phrase = np.zeros(self.n_records, dtype=bool)
        self._has_phrase[self._phrase_record] = True
        self._starts = np.minimum(starts, max(len(self.phrases) - 1, 0))

    def _weigh_one_word_phrases(self) -> None:
        """An alias or keyword with a single content word is only as strong as that word is
        rare: "passport" names one procedure, "vợ" (in "chưa vợ") hints at several."""
        rarest = float(np.log1p(max(self.n_records, 1)))
        for pid, phrase in enumerate(self.phrases):
            if phrase.name or len(phrase.words) > 3:
                continue
            factors = self.stops.factors(phrase.words)
            content = [w for w, f in zip(phrase.words, factors, strict=True) if f > STOP_FACTOR]
            if len(content) <= 1:
                rarity = self.idf.get(content[0], 0.0) / rarest if content else 0.0
                self._strength[pid] *= min(1.0, rarity)

    def _build_syllables(
        self, ids: dict[tuple[str, str | None], int], rows: list[int], records: list[int]
    ) -> None:
        """Syllable (and marks) -> records that use it, for coverage; syllable frequency."""
        n_records = max(self.n_records, 1)
        pairs = np.unique(
            np.array(rows, dtype=np.int64) * n_records + np.array(records, dtype=np.int64)
        )
        keys, self._syllable_record = pairs // n_records, pairs % n_records
        bounds = np.concatenate(([0], np.cumsum(np.bincount(keys, minlength=len(ids)))))
        self._syllable_records: dict[str, list[tuple[Marks, int, int]]] = defaultdict(list)
        frequency: dict[str, set[int]] = defaultdict(set)
        for (word, marks), key in ids.items():
            start, end = int(bounds[key]), int(bounds[key + 1])
            self._syllable_records[word].append(((marks,), start, end))
            frequency[word].update(self._syllable_record[start:end].tolist())
        self.speller = Speller({w: len(recs) for w, recs in frequency.items()})

    def _phrase_features(self, words: tuple[str, ...]) -> dict[str, float]:
        return _features(words, self.stops.factors(words))

    def _feature_weight(self, feat: str) -> float:
        idf = self.idf.get(feat, 0.0)
        return idf * PAIR_WEIGHT if " " in feat else idf

    def _build_matcher(self) -> None:
        """One ``PhraseMatcher`` key per record, with the record's phrases as patterns."""
        import spacy  # imported here: loading spaCy takes seconds, the rest of the module does not
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self._nlp = spacy.blank("xx")
        self._doc = Doc
        self._matcher = PhraseMatcher(self._nlp.vocab)
        self._record_of_key: dict[int, int] = {}
        docs: dict[tuple[str, ...], Doc] = {}
        by_record: dict[int, list[Doc]] = defaultdict(list)
        for phrase in self.phrases:
            doc = docs.get(phrase.words)
            if doc is None:
                doc = docs[phrase.words] = Doc(self._nlp.vocab, words=list(phrase.words))
            by_record[phrase.record].append(doc)
        for record, patterns in by_record.items():
            key = f"r{record}"
            self._matcher.add(key, patterns)
            self._record_of_key[self._nlp.vocab.strings[key]] = record

    # ---------------------------------------------------------------- searching
    def search(self, text: Words, limit: int = 20) -> list[Hit]:
        """The ``limit`` best records for the query ``text``, best first."""
        if not self.phrases or not text.folded:
            return []
        query = self._read(text)
        spans = self._exact_spans(query.best)
        factors = self.stops.factors(query.best, sorted({(s, e) for s, e, _ in spans}))
        present = self._query_features(query, factors)
        if not present:
            return []
        recall = self._phrase_recall(present) * self._strength
        best = np.zeros(self.n_records)
        best[self._has_phrase] = np.maximum.reduceat(recall, self._starts[self._has_phrase])
        coverage = self._coverage(query, factors)
        named = self._name_phrase >= 0
        name_recall = np.zeros(self.n_records)
        name_recall[named] = recall[self._name_phrase[named]]
        score = best * (1.0 - COVERAGE_WEIGHT + COVERAGE_WEIGHT * coverage)
        score = (1.0 - NAME_WEIGHT) * score + NAME_WEIGHT * name_recall * (best > 0)
        for record in _shadowed_records(spans):
            score[record] *= SHADOW_FACTOR
        hits = [
            self._hit(r, float(score[r]), float(coverage[r]), recall, query, factors)
            for r in _top(score, limit)
        ]
        return _shadow_contained(hits)

    def _read(self, text: Words) -> _Query:
        """Per position, the syllables the user may have meant (typos corrected, words split).

        A correction one edit away is kept when it forms a known pair with a neighbour ("khai
        xinh" -> "khai sinh", "mai bang" -> "mai táng"); run-together words are split
        ("khaisinh"); a word that cannot be a Vietnamese syllable ("sihn") gets its nearest
        index words even without a neighbour's support. Real words missing from the index
        ("trời", "mưa") and syllables typed with marks are otherwise taken as typed.
        """
        typed = list(zip(text.folded, text.marks, strict=True))
        fixes = [self._fixes(word, marks) for word, marks in typed]
        options: list[list[_Option]] = []
        for i, (word, marks) in enumerate(typed):
            near = [typed[j][0] for j in (i - 1, i + 1) if 0 <= j < len(typed)]
            around = near + [
                w
                for j in (i - 1, i + 1)
                if 0 <= j < len(typed) and not self._known(typed[j][0])
                for w in fixes[j]
            ]
            confirmed = sorted(
                (w for w in fixes[i] if self._pairing(w, around)),
                key=lambda w: -self._pairing(w, around),
            )
            if self._known(word):
                readings = [_Option(word, 1.0, marks)]
                if word in self.speller and not self._pairing(word, near):
                    readings += [_Option(w, REAL_WORD_FACTOR, None) for w in confirmed]
                options.append(readings)
            elif confirmed:
                options.append([_Option(w, CORRECTED_FACTOR, None) for w in confirmed])
            elif (parts := self._split(word)) is not None:
                options.extend([[_Option(part, 1.0, None)] for part in parts])
            elif fixes[i] and not is_syllable(word):
                top = fixes[i][:MAX_CORRECTIONS]
                options.append([_Option(w, GUESSED_FACTOR, None) for w in top])
            else:
                options.append([_Option(word, 1.0, marks)])
        return _Query(options, [opts[0].word for opts in options])

    def _fixes(self, word: str, marks: str | None) -> list[str]:
        """Index words one edit from ``word`` worth considering (none for function words and
        for syllables typed with marks, which are taken as meant)."""
        if (word,) in self.stops.table or not word.isalpha() or (marks and is_syllable(word)):
            return []
        return self.speller.suggest(word)

    def _pairing(self, word: str, around: list[str]) -> float:
        """How strongly ``word`` forms a known pair with one of the words ``around`` (IDF)."""
        return max(
            (self.idf.get(pair, 0.0) for n in around for pair in (f"{word} {n}", f"{n} {word}")),
            default=0.0,
        )

    def _split(self, word: str) -> tuple[str, str] | None:
        return None if is_syllable(word) else self.speller.split(word)

    def _known(self, word: str) -> bool:
        return word in self.speller or word in self.stops.words or not word.isalpha()

    def _exact_spans(self, words: list[str]) -> list[tuple[int, int, int]]:
        """(start, end, record) of every verbatim occurrence of a record phrase."""
        doc = self._doc(self._nlp.vocab, words=words)
        return [(s, e, self._record_of_key[m]) for m, s, e in self._matcher(doc)]

    def _query_features(self, query: _Query, factors: list[float]) -> dict[str, _Typed]:
        """Index features present in the query: weight factor (0..1) and the marks typed."""
        feats: dict[str, _Typed] = {}

        def add(feat: str, weight: float, marks: Marks) -> None:
            if feat in self.idf:
                old_weight, old_marks = feats.get(feat, (0.0, frozenset()))
                feats[feat] = (max(weight, old_weight), old_marks | {marks})

        options = query.options
        for i, here in enumerate(options):
            for a in here:
                add(a.word, a.weight * factors[i], (a.marks,))
                for b in options[i + 1] if i + 1 < len(options) else ():
                    weight = min(a.weight, b.weight) * min(factors[i], factors[i + 1])
                    add(f"{a.word} {b.word}", weight, (a.marks, b.marks))
        return feats

    def _phrase_recall(self, present: dict[str, _Typed]) -> np.ndarray:
        """Per phrase: weight of its features present in the query over its total weight."""
        ids, values = [], []
        for feat, (k, typed) in present.items():
            for form, start, end in self._postings[feat]:
                ids.append(self._posting_phrase[start:end])
                agree = k if _agree(form, typed) else k * MARK_MISMATCH
                values.append(self._posting_weight[start:end] * agree)
        matched = np.bincount(
            np.concatenate(ids), weights=np.concatenate(values), minlength=len(self.phrases)
        )
        return np.minimum(matched / self._total, 1.0)

    def _coverage(self, query: _Query, factors: list[float]) -> np.ndarray:
        """Per record: share of the query's (IDF-weighted) content words found in its phrases."""
        per_word: dict[str, _Typed] = {}
        total = 0.0
        for options, factor in zip(query.options, factors, strict=True):
            position = 0.0
            for o in options:
                weight = self.idf.get(o.word, 0.0) * o.weight * factor
                old_weight, old_marks = per_word.get(o.word, (0.0, frozenset()))
                per_word[o.word] = (max(weight, old_weight), old_marks | {(o.marks,)})
                position = max(position, weight)
            total += position
        coverage = np.zeros(self.n_records)
        if total <= 0:
            return coverage
        for word, (weight, typed) in per_word.items():
            groups = self._syllable_records.get(word, ())
            if len(groups) == 1:
                form, start, end = groups[0]
                records = self._syllable_record[start:end]
                coverage[records] += weight * (1.0 if _agree(form, typed) else MARK_MISMATCH)
            elif groups:
                best = np.zeros(self.n_records)
                for form, start, end in groups:
                    records = self._syllable_record[start:end]
                    agree = 1.0 if _agree(form, typed) else MARK_MISMATCH
                    best[records] = np.maximum(best[records], agree)
                coverage += weight * best
        return np.minimum(coverage / total, 1.0)

    def _hit(
        self,
        record: int,
        score: float,
        coverage: float,
        recall: np.ndarray,
        query: _Query,
        factors: list[float],
    ) -> Hit:
        start = int(self._starts[record])
        end = int(np.searchsorted(self._phrase_record, record, side="right"))
        best = start + int(np.argmax(recall[start:end]))
        phrase = self.phrases[best]
        words = set(phrase.words)
        positions = frozenset(
            i
            for i, options in enumerate(query.options)
            if factors[i] > STOP_FACTOR and any(o.word in words for o in options)
        )
        return Hit(
            record=record,
            score=score,
            recall=float(recall[best]),
            coverage=coverage,
            phrase=phrase.words,
            strength=phrase.strength,
            positions=positions,
            name_recall=float(recall[self._name_phrase[record]])
            if self._name_phrase[record] >= 0
            else 0.0,
        )


def _forms(phrase: Phrase) -> dict[str, Marks]:
    """How the phrase writes each of its features: the marks of its syllable(s)."""
    words, marks = phrase.words, phrase.marks
    forms: dict[str, Marks] = {}
    for i, word in enumerate(words):
        forms.setdefault(word, (marks[i],))
        if i + 1 < len(words):
            forms.setdefault(f"{word} {words[i + 1]}", (marks[i], marks[i + 1]))
    return forms


def _agree(form: Marks, typed: frozenset[Marks]) -> bool:
    """False when the user typed marks that differ from how the index writes the feature."""
    return any(
        all(a is None or b is None or a == b for a, b in zip(form, marks, strict=True))
        for marks in typed
    )


def _features(words: Sequence[str], factors: Sequence[float]) -> dict[str, float]:
    """Syllables and adjacent pairs of a phrase, each with its (max) weight factor."""
    feats: dict[str, float] = {}
    for i, word in enumerate(words):
        feats[word] = max(feats.get(word, 0.0), factors[i])
        if i + 1 < len(words):
            pair = f"{word} {words[i + 1]}"
            feats[pair] = max(feats.get(pair, 0.0), min(factors[i], factors[i + 1]))
    return feats


def _shadowed_records(spans: list[tuple[int, int, int]]) -> set[int]:
    """Records whose exact hits all lie strictly inside a longer hit naming another record.

    Linear in the number of hits: per start position, the two furthest ends of different records.
    """
    if len(spans) < 2:
        return set()
    at: dict[int, _Ends] = defaultdict(_Ends)
    for start, end, record in spans:
        at[start].add(end, record)
    before: dict[int, _Ends] = {}  # hits starting strictly before each start
    running = _Ends()
    for start in sorted(at):
        before[start] = running.copy()
        running.merge(at[start])
    shadowed: dict[int, bool] = {}
    for start, end, record in spans:
        inside = before[start].furthest(record) >= end or at[start].furthest(record) > end
        shadowed[record] = shadowed.get(record, True) and inside
    return {record for record, flag in shadowed.items() if flag}


class _Ends:
    """The furthest hit end, and the furthest end of a hit naming a different record."""

    def __init__(self) -> None:
        self.end, self.record, self.other = -1, -1, -1

    def add(self, end: int, record: int) -> None:
        if record == self.record:
            self.end = max(self.end, end)
        elif end > self.end:
            self.other = max(self.other, self.end)
            self.end, self.record = end, record
        else:
            self.other = max(self.other, end)

    def merge(self, other: _Ends) -> None:
        if other.record >= 0:
            self.add(other.end, other.record)
        if other.other >= 0:
            self.add(other.other, -2)  # some record other than other.record

    def copy(self) -> _Ends:
        out = _Ends()
        out.end, out.record, out.other = self.end, self.record, self.other
        return out

    def furthest(self, record: int) -> int:
        """Furthest end among hits naming a record other than ``record``."""
        return self.other if record == self.record else self.end


def _shadow_contained(hits: list[Hit]) -> list[Hit]:
    """Longest match wins, fuzzily: a record whose evidence is a strict part of what another
    well-matched record explains ("khai sinh" inside "sửa sai tên trong giấy khai sinh") drops.
    """
    strong = [h for h in hits if h.recall >= CONTAINER_RECALL]
    out = [
        replace(h, score=h.score * SHADOW_FACTOR)
        if any(h.positions < o.positions for o in strong if o.record != h.record)
        else h
        for h in hits
    ]
    return sorted(out, key=lambda h: (-h.score, -h.name_recall, h.record))


def _top(key: np.ndarray, limit: int) -> list[int]:
    """Records with the ``limit`` highest positive keys, highest first."""
    positive = np.flatnonzero(key > 0)
    if positive.size > limit:
        part = np.argpartition(-key[positive], limit)[:limit]
        positive = positive[part]
    return sorted((int(r) for r in positive), key=lambda r: (-key[r], r))
