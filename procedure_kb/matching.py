"""Fuzzy phrase search over folded Vietnamese text: the engine behind :mod:`procedure_kb.resolver`.

A :class:`PhraseIndex` holds the phrases that name a set of records (names, aliases, keywords,
FAQ phrasings...). A query is scored against every phrase at once:

* text is normalised with :func:`procedure_kb.text.normalize` (folded, abbreviations expanded),
  then split into syllables; final ``y`` after a consonant is written ``i`` ("ky" = "ki");
  the diacritic marks a syllable was typed with are kept aside: matching is diacritic-insensitive,
  but a syllable typed with marks that the index never has for it ("đặt" vs "đất", "tổng đài" vs
  "đất đai") counts less, and is not spell-corrected;
* typos are corrected per syllable against the index vocabulary (one edit, SymSpell-style
  deletion index), run-together syllables ("khaisinh") are split;
* spaCy's ``PhraseMatcher`` finds exact phrase hits; the longest hit wins where hits overlap;
* each phrase gets a *recall*: the share of its IDF-weighted syllables and syllable pairs present
  in the query, computed for all phrases with one ``numpy.bincount`` over an inverted index;
* a record's score is its best phrase recall, nudged by *coverage*: the share of the query's
  content that the record's phrases explain (this breaks ties between close records).

Words that only say what is being asked ("lệ phí", "bao lâu", "ở đâu", "thủ tục"...) are weighted
down, unless they are part of an exact phrase hit, so they never decide the record.
"""

from __future__ import annotations

import math
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
PAIR_WEIGHT = 0.5  # weight of an adjacent syllable pair relative to its IDF
COVERAGE_WEIGHT = 0.25  # share of the score that comes from explaining the whole query
SHADOW_FACTOR = 0.9  # records whose evidence lies inside a longer match of another record
CONTAINER_RECALL = 0.75  # ... a match at least this good
MARK_MISMATCH = 0.35  # weight kept by a word typed with marks the index lacks ("đặt"/"đất")
MAX_CORRECTIONS = 5

# Function words and chat particles: never content. Only syllables that stay unambiguous once
# folded: "tu" (từ / tử), "ban" (bạn / bản), "sao" (sao / bản sao), "o" (ở / nhà ở) are content.
FUNCTION_WORDS: tuple[str, ...] = (
    "a", "ah", "ak", "oi", "nhe", "nha", "nhi", "vay", "voi", "va", "hay", "hoac", "thi", "la",
    "gi", "nao", "ai", "khong", "duoc", "roi", "chua", "toi", "minh", "em", "nhung", "cac", "nua",
    "neu", "xin", "phai", "giup", "cho toi", "cho em", "cho minh", "giup toi", "giup em",
    "the nao", "nhu the nao", "lam sao", "ra sao", "thi sao", "lam the nao", "nhu nao",
    "co the", "co duoc khong", "duoc khong", "co phai", "vui long", "huong dan", "a oi", "ad oi",
)
# What is asked about a procedure: weighted down so that it never decides the procedure.
PROCEDURE_QUESTION_WORDS: tuple[str, ...] = (
    "le phi", "phi", "bao nhieu", "bao nhieu tien", "mat bao nhieu", "het bao nhieu",
    "mat bao nhieu tien", "het bao nhieu tien", "tien", "chi phi", "bao lau", "mat bao lau",
    "trong bao lau", "may ngay", "mat may ngay", "bao gio", "khi nao", "thoi gian", "thoi han",
    "giay to gi", "giay to", "nhung giay to", "ho so", "ho so gom", "bo ho so",
    "thanh phan ho so", "can nhung gi", "can chuan bi", "chuan bi", "can mang", "mang theo",
    "o dau", "noi nao", "cho nao", "nop o dau", "nop", "nop ho so", "co quan nao", "online",
    "truc tuyen", "qua mang", "tren mang", "dich vu cong", "cac buoc", "buoc", "trinh tu",
    "quy trinh", "dieu kien", "ai duoc", "doi tuong", "thu tuc", "thu tuc hanh chinh", "lam",
    "lam gi", "can lam", "can lam gi", "phai lam", "phai lam gi", "muon lam", "toi muon",
    "em muon", "minh muon", "can gi", "gom", "gom nhung gi", "ket qua", "nhan ket qua",
)
# What is asked about a document.
DOCUMENT_QUESTION_WORDS: tuple[str, ...] = (
    "la gi", "giay gi", "la giay gi", "o dau", "lay o dau", "xin o dau", "mua o dau",
    "dien the nao", "ghi the nao", "cach dien", "cach ghi", "can khong", "co can", "lam",
    "can gi", "tai ve", "mau", "bieu mau", "ai cap", "co quan nao cap", "de lam gi", "dung de",
)

_CONSONANT_Y = re.compile(r"^([bcdghklmnpqrstvx]+)y$")
# A folded Vietnamese syllable: optional onset, one to three vowels, optional final consonant.
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|nh|ng|[cmnpt])?$"
)
_WORD = re.compile(r"\w+", re.UNICODE)

Marks = tuple[str | None, ...]


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
        raw = _WORD.findall(clean_controls(nfc(text)).lower())
        folded = [squeeze_repeats(fold(w)) for w in raw]
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
                marks.append(mark_signature(raw[i - 1]))
            words += [_canonical(w) for w in expansion]
        expected = tokens(text)
        if words[:MAX_TOKENS] != expected:  # text.normalize changed its rules: drop the marks
            return cls(tuple(expected), (None,) * len(expected))
        return cls(tuple(words[:MAX_TOKENS]), tuple(marks[:MAX_TOKENS]))


def _phrase_table(phrases: Iterable[str]) -> tuple[dict[tuple[str, ...], bool], int]:
    table = {tuple(tokens(p)): True for p in phrases}
    table.pop((), None)
    return table, max((len(k) for k in table), default=0)


def stop_factors(
    words: Sequence[str],
    table: dict[tuple[str, ...], bool],
    longest: int,
    protected: frozenset[int] = frozenset(),
) -> list[float]:
    """Per-position weight factors: :data:`STOP_FACTOR` where a stop phrase covers the word.

    Stop phrases are matched longest first; positions in ``protected`` (inside an exact hit of
    a record phrase, e.g. the "căn" of "căn cước") keep their full weight.
    """
    factors = [1.0] * len(words)
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            if tuple(words[i : i + size]) in table:
                for j in range(i, i + size):
                    if j not in protected:
                        factors[j] = STOP_FACTOR
                i += size
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

    def factors(self, words: Sequence[str], protected: frozenset[int] = frozenset()) -> list[float]:
        return stop_factors(words, self.table, self.longest, protected)


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
        """Vocabulary words one edit from ``word``, most frequent first (empty if in vocabulary)."""
        if word in self.frequency or len(word) < self.MIN_LENGTH or not word.isalpha():
            return []
        found: set[str] = set(self._deletes.get(word, ()))
        for variant in _deletions(word):
            if variant in self.frequency:
                found.add(variant)
            found.update(self._deletes.get(variant, ()))
        good = [w for w in found if edit_distance_at_most_one(word, w)]
        good.sort(key=lambda w: (-self.frequency[w], w))
        return good[:MAX_CORRECTIONS]

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


@dataclass(frozen=True)
class Hit:
    """A record's score for one query, with the evidence behind it."""

    record: int
    score: float
    recall: float  # best phrase: share of it found in the query, times its strength
    coverage: float  # share of the query's content explained by the record's phrases
    phrase: tuple[str, ...]  # the best phrase
    positions: frozenset[int]  # query positions (content words) that the best phrase explains
    exact: bool  # one of the record's phrases occurs verbatim in the (corrected) query


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
            if p.words and (key not in strongest or strongest[key].strength < p.strength):
                strongest[key] = p
        self.phrases = [strongest[key] for key in sorted(strongest)]
        self._phrase_record = np.array([p.record for p in self.phrases], dtype=np.int64)
        self._strength = np.array([p.strength for p in self.phrases], dtype=np.float64)
        self._build_features()
        self._build_matcher()

    # ---------------------------------------------------------------- building
    def _build_features(self) -> None:
        """Inverted index: feature -> marks form -> (phrase ids, weights); IDF over records."""
        memo: dict[tuple[str, ...], dict[str, float]] = {}
        per_phrase: list[dict[str, float]] = []
        record_features: dict[str, set[int]] = defaultdict(set)
        syllables: dict[str, dict[Marks, set[int]]] = defaultdict(lambda: defaultdict(set))
        for phrase in self.phrases:
            feats = memo.get(phrase.words)
            if feats is None:
                feats = memo[phrase.words] = self._phrase_features(phrase.words)
            per_phrase.append(feats)
            for feat in feats:
                record_features[feat].add(phrase.record)
            for word, marks in zip(phrase.words, phrase.marks, strict=True):
                syllables[word][(marks,)].add(phrase.record)
        n = max(self.n_records, 1)
        self.idf = {f: math.log(1.0 + n / len(recs)) for f, recs in record_features.items()}
        weight_of = {f: self._feature_weight(f) for f in self.idf}
        postings: dict[str, dict[Marks, tuple[list[int], list[float]]]] = defaultdict(dict)
        total = np.zeros(len(self.phrases))
        for pid, feats in enumerate(per_phrase):
            forms = _forms(self.phrases[pid])
            subtotal = 0.0
            for feat, factor in feats.items():
                weight = weight_of[feat] * factor
                ids, weights = postings[feat].setdefault(forms[feat], ([], []))
                ids.append(pid)
                weights.append(weight)
                subtotal += weight
            total[pid] = subtotal
        self._total = np.where(total > 0, total, 1.0)
        self._postings = {
            f: [(form, np.array(i, dtype=np.int64), np.array(w)) for form, (i, w) in g.items()]
            for f, g in postings.items()
        }
        self._syllable_records = {
            w: [(form, np.array(sorted(recs), dtype=np.int64)) for form, recs in g.items()]
            for w, g in syllables.items()
        }
        self.speller = Speller({w: len(set().union(*g.values())) for w, g in syllables.items()})
        starts = np.searchsorted(self._phrase_record, np.arange(self.n_records))
        self._has_phrase = np.zeros(self.n_records, dtype=bool)
        self._has_phrase[self._phrase_record] = True
        self._starts = np.minimum(starts, max(len(self.phrases) - 1, 0))

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
        protected = frozenset(i for start, end, _ in spans for i in range(start, end))
        factors = self.stops.factors(query.best, protected)
        present = self._query_features(query, factors)
        if not present:
            return []
        recall = self._phrase_recall(present) * self._strength
        best = np.zeros(self.n_records)
        best[self._has_phrase] = np.maximum.reduceat(recall, self._starts[self._has_phrase])
        coverage = self._coverage(query, factors)
        score = best * (1.0 - COVERAGE_WEIGHT + COVERAGE_WEIGHT * coverage)
        for record in _shadowed_records(spans):
            score[record] *= SHADOW_FACTOR
        hits = [
            self._hit(r, float(score[r]), float(coverage[r]), query, factors, present, spans)
            for r in _top(score, limit)
        ]
        return _shadow_contained(hits)

    def _read(self, text: Words) -> _Query:
        """Per position, the syllables the user may have meant (typos corrected, words split).

        A correction is kept when it forms a known pair with a neighbour ("khai xinh" ->
        "khai sinh"); without that support only when the typed word cannot be a Vietnamese
        syllable at all ("sihn"), so real words missing from the index ("trời", "mưa") stay
        unknown instead of turning into index words. Syllables typed with marks are taken as
        meant.
        """
        typed: list[tuple[str, str | None]] = []
        for word, marks in zip(text.folded, text.marks, strict=True):
            parts = None if self._known(word) or is_syllable(word) else self.speller.split(word)
            typed.extend([(p, None) for p in parts] if parts else [(word, marks)])
        fixes = [
            [] if self._known(w) or (m and is_syllable(w)) else self.speller.suggest(w)
            for w, m in typed
        ]
        options: list[list[_Option]] = []
        for i, (word, marks) in enumerate(typed):
            if not fixes[i]:
                options.append([_Option(word, 1.0, marks)])
                continue
            near = [j for j in (i - 1, i + 1) if 0 <= j < len(typed)]
            around = [typed[j][0] for j in near] + [w for j in near for w in fixes[j]]
            confirmed = [
                w
                for w in fixes[i]
                if any(f"{w} {n}" in self.idf or f"{n} {w}" in self.idf for n in around)
            ]
            if confirmed:
                options.append([_Option(w, CORRECTED_FACTOR, None) for w in confirmed])
            elif not is_syllable(word):
                options.append([_Option(w, GUESSED_FACTOR, None) for w in fixes[i]])
            else:
                options.append([_Option(word, 1.0, marks)])
        return _Query(options, [opts[0].word for opts in options])

    def _known(self, word: str) -> bool:
        return word in self.speller or word in self.stops.words or not word.isalpha()

    def _exact_spans(self, words: list[str]) -> list[tuple[int, int, int]]:
        """(start, end, record) of every verbatim occurrence of a record phrase."""
        doc = self._doc(self._nlp.vocab, words=words)
        return [(s, e, self._record_of_key[m]) for m, s, e in self._matcher(doc)]

    def _query_features(
        self, query: _Query, factors: list[float]
    ) -> dict[str, tuple[float, Marks]]:
        """Index features present in the query: weight factor (0..1) and the marks typed."""
        feats: dict[str, tuple[float, Marks]] = {}

        def add(feat: str, weight: float, marks: Marks) -> None:
            if feat in self.idf and weight > feats.get(feat, (0.0,))[0]:
                feats[feat] = (weight, marks)

        options = query.options
        for i, here in enumerate(options):
            for a in here:
                add(a.word, a.weight * factors[i], (a.marks,))
                for b in options[i + 1] if i + 1 < len(options) else ():
                    weight = min(a.weight, b.weight) * min(factors[i], factors[i + 1])
                    add(f"{a.word} {b.word}", weight, (a.marks, b.marks))
        return feats

    def _phrase_recall(self, present: dict[str, tuple[float, Marks]]) -> np.ndarray:
        """Per phrase: weight of its features present in the query over its total weight."""
        ids, values = [], []
        for feat, (k, typed) in present.items():
            for form, form_ids, weights in self._postings[feat]:
                ids.append(form_ids)
                values.append(weights * (k if _agree(form, typed) else k * MARK_MISMATCH))
        matched = np.bincount(
            np.concatenate(ids), weights=np.concatenate(values), minlength=len(self.phrases)
        )
        return np.minimum(matched / self._total, 1.0)

    def _coverage(self, query: _Query, factors: list[float]) -> np.ndarray:
        """Per record: share of the query's (IDF-weighted) content words found in its phrases."""
        per_word: dict[str, tuple[float, Marks]] = {}
        total = 0.0
        for options, factor in zip(query.options, factors, strict=True):
            position = 0.0
            for o in options:
                weight = self.idf.get(o.word, 0.0) * o.weight * factor
                if weight > per_word.get(o.word, (0.0,))[0]:
                    per_word[o.word] = (weight, (o.marks,))
                position = max(position, weight)
            total += position
        coverage = np.zeros(self.n_records)
        if total <= 0:
            return coverage
        for word, (weight, typed) in per_word.items():
            groups = self._syllable_records.get(word, ())
            if len(groups) == 1:
                form, records = groups[0]
                coverage[records] += weight * (1.0 if _agree(form, typed) else MARK_MISMATCH)
            elif groups:
                best = np.zeros(self.n_records)
                for form, records in groups:
                    agree = 1.0 if _agree(form, typed) else MARK_MISMATCH
                    best[records] = np.maximum(best[records], agree)
                coverage += weight * best
        return np.minimum(coverage / total, 1.0)

    def _hit(
        self,
        record: int,
        score: float,
        coverage: float,
        query: _Query,
        factors: list[float],
        present: dict[str, tuple[float, Marks]],
        spans: list[tuple[int, int, int]],
    ) -> Hit:
        start = int(np.searchsorted(self._phrase_record, record))
        end = int(np.searchsorted(self._phrase_record, record, side="right"))
        best_pid, best_recall = start, -1.0
        for pid in range(start, end):
            phrase = self.phrases[pid]
            forms = _forms(phrase)
            got = 0.0
            for feat, k in self._phrase_features(phrase.words).items():
                if feat in present:
                    typed_k, typed = present[feat]
                    agree = 1.0 if _agree(forms[feat], typed) else MARK_MISMATCH
                    got += self._feature_weight(feat) * k * typed_k * agree
            recall = min(got / float(self._total[pid]), 1.0) * phrase.strength
            if recall > best_recall:
                best_pid, best_recall = pid, recall
        words = set(self.phrases[best_pid].words)
        positions = frozenset(
            i
            for i, options in enumerate(query.options)
            if factors[i] > STOP_FACTOR and any(o.word in words for o in options)
        )
        return Hit(
            record=record,
            score=score,
            recall=best_recall,
            coverage=coverage,
            phrase=self.phrases[best_pid].words,
            positions=positions,
            exact=any(r == record for _, _, r in spans),
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


def _agree(form: Marks, typed: Marks) -> bool:
    """False when the user typed marks that differ from how the index writes the feature."""
    return all(a is None or b is None or a == b for a, b in zip(form, typed, strict=True))


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
    """Records whose exact hits all lie strictly inside a longer hit naming another record."""
    if len(spans) < 2:
        return set()
    hits: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start, end, record in spans:
        hits[record].append((start, end))
    return {
        record
        for record, ranges in hits.items()
        if all(
            any(s <= lo and hi <= e and e - s > hi - lo and r != record for s, e, r in spans)
            for lo, hi in ranges
        )
    }


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
    return sorted(out, key=lambda h: (-h.score, h.record))


def _top(score: np.ndarray, limit: int) -> list[int]:
    positive = np.flatnonzero(score > 0)
    if positive.size > limit:
        part = np.argpartition(-score[positive], limit)[:limit]
        positive = positive[part]
    return sorted((int(r) for r in positive), key=lambda r: (-score[r], r))
