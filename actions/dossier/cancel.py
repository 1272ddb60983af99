"""Does the citizen want to leave the lookup ("thôi", "hủy", "không tra nữa", a deny)?"""

from __future__ import annotations

import re

from procedure_kb.text import clean_controls, fold, has_diacritics, nfc

STOP_INTENTS = frozenset({"deny", "goodbye"})
# With diacritics typed, match them exactly ("thời hạn" is not "thôi").
_STOP_MARKED = re.compile(
    r"\b(?:thôi|hủy|huỷ|hủy bỏ|dừng|thoát|bỏ qua|không tra nữa|không cần nữa|không tra cứu nữa)\b"
)
# Without diacritics, fewer words are safe ("dung" is also "đúng").
_STOP_FOLDED = re.compile(
    r"\b(?:thoi|huy|huy bo|thoat|bo qua|khong tra nua|khong can nua|dung lai|ko tra nua"
    r"|k tra nua|stop|cancel|exit|quit)\b"
)
# A long message is a question or an answer, not a request to stop.
MAX_STOP_WORDS = 8


def wants_to_stop(text: str | None, intent: str | None = None) -> bool:
    """True for a short stop phrase, or for a deny/goodbye intent."""
    cleaned = " ".join(clean_controls(nfc(text or "")).lower().split())
    if intent in STOP_INTENTS:
        return True
    if not cleaned or len(cleaned.split()) > MAX_STOP_WORDS:
        return False
    if has_diacritics(cleaned):
        return bool(_STOP_MARKED.search(cleaned))
    return bool(_STOP_FOLDED.search(fold(cleaned)))
