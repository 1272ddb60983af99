"""A QR code that opens the printable checklist on a phone ("take it home"), for the page itself.

Made on the server with segno (pure Python, no external service) as inline SVG: the checklist
page's Content-Security-Policy (``default-src 'none'``) needs nothing more for it, and it prints
sharp. Only the page's own address goes into the code.
"""

from __future__ import annotations

from html import escape

import segno

SCALE = 5  # CSS px per module: a version-5 code is 225 px, easy for any phone camera
BORDER = 4  # the quiet zone the QR standard asks for, in modules
TITLE = "Mã QR mở danh sách giấy tờ này trên điện thoại"
HEADING = "Mang danh sách về điện thoại"
HOW = (
    "Anh/Chị hoặc người thân mở máy ảnh của điện thoại, hướng vào mã QR này để mở lại danh sách "
    "giấy tờ trên điện thoại và giữ lại."
)


def qr_svg(url: str) -> str:
    """``url`` as an inline ``<svg>`` QR code (error correction M, black on white)."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(
        scale=SCALE, border=BORDER, dark="#000", light="#fff", title=TITLE, svgclass="qr"
    )


def take_home_section(url: str) -> str:
    """The checklist page's section with the QR code of ``url`` and the address written out."""
    return (
        '<section class="take-home" aria-labelledby="mang-ve">\n'
        f'<h2 id="mang-ve">{escape(HEADING)}</h2>\n'
        f"<p>{escape(HOW)}</p>\n"
        f'<figure style="margin: .5rem 0" role="img" aria-label="{escape(TITLE)}">'
        f"{qr_svg(url)}</figure>\n"
        f'<p>Hoặc gõ địa chỉ: <a href="{escape(url)}">{escape(url)}</a></p>\n'
        "</section>"
    )
