"""Vietnamese text normalisation shared by the NLU pipeline and the resolver.

Two kinds of operation live here:

* length-preserving ones (:func:`nfc`, :func:`fold`, :func:`clean_controls`), safe to apply to a
  message before tokenising because character offsets stay valid;
* :func:`normalize`, which lower-cases, folds diacritics, squeezes repeated letters and expands
  abbreviations and teencode; it may change the length and is meant for matching and features.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Abbreviations and teencode that citizens type, mapped to their folded full forms.
# Keys and values are folded (no diacritics, lower case). Multi-word keys are allowed.
ABBREVIATIONS: dict[str, str] = {
    "ko": "khong",
    "k": "khong",
    "kh": "khong",
    "khg": "khong",
    "hok": "khong",
    "kg": "khong",
    "dc": "duoc",
    "dk": "dang ky",
    "dky": "dang ky",
    "đk": "dang ky",
    "ks": "khai sinh",
    "kt": "khai tu",
    "kh hon": "ket hon",
    "cccd": "can cuoc cong dan",
    "cmnd": "chung minh nhan dan",
    "cmt": "chung minh thu",
    "gplx": "giay phep lai xe",
    "blx": "bang lai xe",
    "bhyt": "bao hiem y te",
    "bhxh": "bao hiem xa hoi",
    "hk": "ho khau",
    "tt": "thu tuc",
    "tthc": "thu tuc hanh chinh",
    "dvc": "dich vu cong",
    "dvctt": "dich vu cong truc tuyen",
    "sdt": "so dien thoai",
    "đt": "dien thoai",
    "dt": "dien thoai",
    "ubnd": "uy ban nhan dan",
    "ub": "uy ban",
    "cqt": "co quan thue",
    "gcn": "giay chung nhan",
    "qsdd": "quyen su dung dat",
    "gpxd": "giay phep xay dung",
    "lltp": "ly lich tu phap",
    "hkd": "ho kinh doanh",
    "dn": "doanh nghiep",
    "tk": "tai khoan",
    "mk": "mat khau",
    "ns": "noi",
    "j": "gi",
    "z": "gi",
    "v": "vay",
    "vs": "voi",
    "r": "roi",
    "ntn": "nhu the nao",
    "bn": "bao nhieu",
    "bnhieu": "bao nhieu",
    "mn": "moi nguoi",
    "ok": "dong y",
    "oke": "dong y",
    "okie": "dong y",
    "cv": "cong viec",
    "tphcm": "thanh pho ho chi minh",
    "hcm": "ho chi minh",
    "hn": "ha noi",
    "vneid": "vneid",
}

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff\ud800-\udfff]"
)
_REPEATED = re.compile(r"([^\W\d_])\1{2,}")
_WORD = re.compile(r"\w+", re.UNICODE)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form Vietnamese keyboards usually produce."""
    return unicodedata.normalize("NFC", text)


def clean_controls(text: str) -> str:
    """Replace control and zero-width characters by spaces (length-preserving)."""
    return _CONTROL.sub(" ", text)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    base = unicodedata.normalize("NFD", char)[0]
    return base if base.isascii() or not base.isalpha() else char


def fold(text: str) -> str:
    """Remove Vietnamese tone and vowel marks (đ→d). Length-preserving on NFC input."""
    if text.isascii():
        return text
    return "".join(_fold_char(ch) if not ch.isascii() else ch for ch in text)


def has_diacritics(text: str) -> bool:
    """True when ``text`` contains any Vietnamese marked letter."""
    return fold(nfc(text)) != nfc(text)


def squeeze_repeats(text: str) -> str:
    """Collapse letters repeated three or more times ("ạaaaa", "dcccc") to one."""
    return _REPEATED.sub(r"\1", text)


def expand_abbreviations(words: list[str]) -> list[str]:
    """Expand abbreviations word by word, also two-word keys; input words are folded."""
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i : i + 2])
        if i + 1 < len(words) and pair in ABBREVIATIONS:
            out.extend(ABBREVIATIONS[pair].split())
            i += 2
            continue
        out.extend(ABBREVIATIONS.get(words[i], words[i]).split())
        i += 1
    return out


def normalize_word(word: str) -> str:
    """Normalise one token: NFC, lower case, fold, squeeze repeats, expand abbreviation."""
    folded = fold(nfc(word).lower())
    if folded not in ABBREVIATIONS:
        folded = squeeze_repeats(folded)
    return ABBREVIATIONS.get(folded, folded)


def normalize(text: str) -> str:
    """Full normalisation for matching: lower, folded, repeats squeezed, abbreviations expanded."""
    words = _WORD.findall(fold(clean_controls(nfc(text)).lower()))
    words = [w if w in ABBREVIATIONS else squeeze_repeats(w) for w in words]
    return " ".join(expand_abbreviations(words))
