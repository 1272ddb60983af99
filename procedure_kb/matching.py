"""Fuzzy phrase search over folded Vietnamese text: the engine behind :mod:`procedure_kb.resolver`.

A :class:`PhraseIndex` holds the phrases that name a set of records (names, aliases, keywords,
FAQ phrasings...). A query is scored against every phrase at once:

* text is normalised with :func:`procedure_kb.text.normalize` (folded, abbreviations expanded),
  then split into syllables; final ``y`` after a consonant is written ``i`` ("ky" = "ki");
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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from procedure_kb.text import normalize

MAX_TOKENS = 160  # longer messages are cut: enough for a rambling paragraph, bounded latency
STOP_FACTOR = 0.1  # weight kept by a word that only says what is asked
CORRECTED_FACTOR = 0.8  # weight kept by a corrected syllable that its neighbours confirm
GUESSED_FACTOR = 0.6  # weight kept by a correction of a non-syllable that nothing confirms
PAIR_WEIGHT = 0.5  # weight of an adjacent syllable pair relative to its IDF
COVERAGE_WEIGHT = 0.25  # share of the score that comes from explaining the whole query
SHADOW_FACTOR = 0.9  # records whose exact hits all lie inside a longer hit of another record
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


def is_syllable(word: str) -> bool:
    """True when ``word`` (folded) could be a Vietnamese syllable: "tiet" yes, "sihn" no."""
    return bool(_SYLLABLE.match(word))


def tokens(text: str) -> list[str]:
    """Normalised syllables of ``text`` (folded, abbreviations expanded, final y written i)."""
    return [_canonical(word) for word in normalize(text[: MAX_TOKENS * 12]).split()[:MAX_TOKENS]]


def _canonical(word: str) -> str:
    return _CONSONANT_Y.sub(r"\1i", word) if word.endswith("y") else word


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
    """One way of naming a record: its syllables and how strongly it names the record (0..1)."""

    record: int
    words: tuple[str, ...]
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
    exact: bool  # the best phrase occurs verbatim in the (corrected) query


@dataclass
class _Query:
    alternatives: list[list[tuple[str, float]]]  # per position: (syllable, weight factor)
    best: list[str]  # per position: the most likely syllable


class PhraseIndex:
    """Searchable phrases of ``n_records`` records; see the module docstring for the method."""

    def __init__(self, n_records: int, phrases: Iterable[Phrase], stops: StopWords) -> None:
        self.n_records = n_records
        self.stops = stops
        strongest: dict[tuple[int, tuple[str, ...]], float] = {}
        for p in phrases:
            if p.words:
                key = (p.record, p.words)
                strongest[key] = max(strongest.get(key, 0.0), p.strength)
        self.phrases = [Phrase(r, w, k) for (r, w), k in sorted(strongest.items())]
        self._phrase_record = np.array([p.record for p in self.phrases], dtype=np.int64)
        self._strength = np.array([p.strength for p in self.phrases], dtype=np.float64)
        self._build_features()
        self._build_matcher()

    # ---------------------------------------------------------------- building
    def _build_features(self) -> None:
        memo: dict[tuple[str, ...], dict[str, float]] = {}
        per_phrase: list[dict[str, float]] = []
        record_features: dict[str, set[int]] = defaultdict(set)
        syllable_records: dict[str, set[int]] = defaultdict(set)
        for phrase in self.phrases:
            feats = memo.get(phrase.words)
            if feats is None:
                feats = memo[phrase.words] = self._phrase_features(phrase.words)
            per_phrase.append(feats)
            for feat in feats:
                record_features[feat].add(phrase.record)
            for word in phrase.words:
                syllable_records[word].add(phrase.record)
        n = max(self.n_records, 1)
        self.idf = {f: math.log(1.0 + n / len(recs)) for f, recs in record_features.items()}
        weight_of = {f: self._feature_weight(f) for f in self.idf}
        postings: dict[str, tuple[list[int], list[float]]] = {f: ([], []) for f in self.idf}
        total = np.zeros(len(self.phrases))
        for pid, feats in enumerate(per_phrase):
            subtotal = 0.0
            for feat, factor in feats.items():
                weight = weight_of[feat] * factor
                ids, weights = postings[feat]
                ids.append(pid)
                weights.append(weight)
                subtotal += weight
            total[pid] = subtotal
        self._total = np.where(total > 0, total, 1.0)
        self._postings = {
            f: (np.array(ids, dtype=np.int64), np.array(ws)) for f, (ids, ws) in postings.items()
        }
        self._syllable_records = {
            w: np.fromiter(sorted(recs), dtype=np.int64, count=len(recs))
            for w, recs in syllable_records.items()
        }
        self.speller = Speller({w: len(recs) for w, recs in syllable_records.items()})
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
    def search(self, words: Sequence[str], limit: int = 20) -> list[Hit]:
        """The ``limit`` best records for the query syllables ``words``, best first."""
        if not self.phrases or not words:
            return []
        query = self._read(words)
        spans = self._exact_spans(query.best)
        protected = frozenset(i for start, end, _ in spans for i in range(start, end))
        factors = self.stops.factors(query.best, protected)
        present = {f: k for f, k in _query_features(query, factors).items() if f in self.idf}
        if not present:
            return []
        recall = self._phrase_recall(present) * self._strength
        best = np.zeros(self.n_records)
        best[self._has_phrase] = np.maximum.reduceat(recall, self._starts[self._has_phrase])
        coverage = self._coverage(query, factors)
        score = best * (1.0 - COVERAGE_WEIGHT + COVERAGE_WEIGHT * coverage)
        for record in _shadowed_records(spans):
            score[record] *= SHADOW_FACTOR
        top = _top(score, limit)
        return [
            self._hit(int(r), float(score[r]), float(coverage[r]), query, factors, present, spans)
            for r in top
        ]

    def _read(self, words: Sequence[str]) -> _Query:
        """Per position, the syllables the user may have meant (typos corrected, words split).

        A correction is kept when it forms a known pair with a neighbour ("khai xinh" ->
        "khai sinh"); without that support only when the typed word cannot be a Vietnamese
        syllable at all ("sihn"), so real words missing from the index ("trời", "mưa") stay
        unknown instead of turning into index words.
        """
        typed: list[str] = []
        for word in words:
            parts = None if self._known(word) or is_syllable(word) else self.speller.split(word)
            typed.extend(parts or [word])
        fixes = [[] if self._known(w) else self.speller.suggest(w) for w in typed]
        alternatives: list[list[tuple[str, float]]] = []
        for i, word in enumerate(typed):
            if not fixes[i]:
                alternatives.append([(word, 1.0)])
                continue
            around = [typed[j] for j in (i - 1, i + 1) if 0 <= j < len(typed)]
            around += [w for j in (i - 1, i + 1) if 0 <= j < len(typed) for w in fixes[j]]
            confirmed = [
                w
                for w in fixes[i]
                if any(f"{w} {n}" in self.idf or f"{n} {w}" in self.idf for n in around)
            ]
            if confirmed:
                alternatives.append([(w, CORRECTED_FACTOR) for w in confirmed])
            elif not is_syllable(word):
                alternatives.append([(w, GUESSED_FACTOR) for w in fixes[i]])
            else:
                alternatives.append([(word, 1.0)])
        return _Query(alternatives, [alts[0][0] for alts in alternatives])

    def _known(self, word: str) -> bool:
        return word in self.speller or word in self.stops.words or not word.isalpha()

    def _exact_spans(self, words: list[str]) -> list[tuple[int, int, int]]:
        """(start, end, record) of every verbatim occurrence of a record phrase."""
        doc = self._doc(self._nlp.vocab, words=words)
        return [(s, e, self._record_of_key[m]) for m, s, e in self._matcher(doc)]

    def _phrase_recall(self, present: dict[str, float]) -> np.ndarray:
        """Per phrase: weight of its features present in the query over its total weight."""
        ids = [self._postings[f][0] for f in present]
        values = [self._postings[f][1] * k for f, k in present.items()]
        matched = np.bincount(
            np.concatenate(ids), weights=np.concatenate(values), minlength=len(self.phrases)
        )
        return np.minimum(matched / self._total, 1.0)

    def _coverage(self, query: _Query, factors: list[float]) -> np.ndarray:
        per_word: dict[str, float] = {}
        total = 0.0
        for alts, factor in zip(query.alternatives, factors, strict=True):
            position = 0.0
            for word, k in alts:
                w = self.idf.get(word, 0.0) * k * factor
                per_word[word] = max(per_word.get(word, 0.0), w)
                position = max(position, w)
            total += position
        coverage = np.zeros(self.n_records)
        if total <= 0:
            return coverage
        for word, weight in per_word.items():
            records = self._syllable_records.get(word)
            if records is not None and weight > 0:
                coverage[records] += weight
        return np.minimum(coverage / total, 1.0)

    def _hit(
        self,
        record: int,
        score: float,
        coverage: float,
        query: _Query,
        factors: list[float],
        present: dict[str, float],
        spans: list[tuple[int, int, int]],
    ) -> Hit:
        start = int(np.searchsorted(self._phrase_record, record))
        end = int(np.searchsorted(self._phrase_record, record, side="right"))
        best_pid, best_recall = start, -1.0
        for pid in range(start, end):
            phrase = self.phrases[pid]
            feats = self._phrase_features(phrase.words)
            got = sum(self._feature_weight(f) * k * present.get(f, 0.0) for f, k in feats.items())
            recall = min(got / float(self._total[pid]), 1.0) * phrase.strength
            if recall > best_recall:
                best_pid, best_recall = pid, recall
        words = set(self.phrases[best_pid].words)
        positions = frozenset(
            i
            for i, alts in enumerate(query.alternatives)
            if factors[i] > STOP_FACTOR and any(w in words for w, _ in alts)
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


def _features(words: Sequence[str], factors: Sequence[float]) -> dict[str, float]:
    """Syllables and adjacent pairs of a phrase, each with its (max) weight factor."""
    feats: dict[str, float] = {}
    for i, word in enumerate(words):
        feats[word] = max(feats.get(word, 0.0), factors[i])
        if i + 1 < len(words):
            pair = f"{word} {words[i + 1]}"
            feats[pair] = max(feats.get(pair, 0.0), min(factors[i], factors[i + 1]))
    return feats


def _query_features(query: _Query, factors: list[float]) -> dict[str, float]:
    feats: dict[str, float] = {}
    alts = query.alternatives
    for i, here in enumerate(alts):
        for word, k in here:
            feats[word] = max(feats.get(word, 0.0), k * factors[i])
            if i + 1 < len(alts):
                for nxt, k2 in alts[i + 1]:
                    pair = f"{word} {nxt}"
                    weight = min(k, k2) * min(factors[i], factors[i + 1])
                    feats[pair] = max(feats.get(pair, 0.0), weight)
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


def _top(score: np.ndarray, limit: int) -> list[int]:
    positive = np.flatnonzero(score > 0)
    if positive.size > limit:
        part = np.argpartition(-score[positive], limit)[:limit]
        positive = positive[part]
    return sorted(positive.tolist(), key=lambda r: (-score[r], r))
