"""Which link an answer about a procedure ends with: the procedure's own page, never a home page.

A record names two addresses: ``portal_url`` (where to submit online) and ``source`` (where its
facts come from). The procedure's own page is the first of them that is a page of its own: the
national portal's procedure page (``...chi-tiet.html?ma_thu_tuc=...``) first, then an agency's
page for the procedure. A site's home page and a legal text (a decree on vanban.chinhphu.vn) are
not the procedure's page; a record with neither ends with a link clearly labelled as general.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

NATIONAL_PORTAL = "https://dichvucong.gov.vn"
# Sites whose pages are legal texts, not the page of a procedure.
LEGAL_TEXT_SITES = frozenset({"vanban.chinhphu.vn", "thuvienphapluat.vn", "vbpl.vn"})
# The query parameter of a procedure page on the national portal.
NATIONAL_CODE = "ma_thu_tuc="


def _parts(url: Any) -> tuple[str, str, str] | None:
    """(host, path, query) of an http(s) address, None for anything else."""
    parts = urlsplit(str(url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.netloc.lower(), parts.path.strip("/"), parts.query


def is_procedure_page(url: Any) -> bool:
    """True for a page of its own (a path or a query), not a home page nor a legal text."""
    parts = _parts(url)
    if parts is None or parts[0] in LEGAL_TEXT_SITES:
        return False
    return bool(parts[1] or parts[2])


def procedure_page(record: Mapping[str, Any]) -> str | None:
    """The procedure's own page of ``record``: its national-portal page when it has one, else an
    agency's page; None when both addresses are home pages or legal texts."""
    pages = [
        str(url).strip()
        for url in (record.get("portal_url"), record.get("source"))
        if is_procedure_page(url)
    ]
    national = [url for url in pages if NATIONAL_CODE in url]
    return (national or pages or [None])[0]


def general_page(record: Mapping[str, Any]) -> str:
    """The home page to fall back on: the agency's site the record names, else the national
    portal."""
    for url in (record.get("portal_url"), record.get("source")):
        parts = _parts(url)
        if parts and parts[0] not in LEGAL_TEXT_SITES:
            return str(url).strip().rstrip("/")
    return NATIONAL_PORTAL


def source_line(record: Mapping[str, Any]) -> str:
    """The last line of every answer about ``record``: its own page, or the labelled general one."""
    page = procedure_page(record)
    if page:
        return f"Trang của thủ tục: {page}"
    return f"Trang chung (chưa có trang riêng cho thủ tục này): {general_page(record)}"
