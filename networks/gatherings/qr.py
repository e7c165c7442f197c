"""QR codes for the join and evaluation addresses, as inline SVG (segno, pure Python)."""

from __future__ import annotations

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, label: str, scale: int = 4) -> SafeString:
    """An inline SVG of the URL's QR code, named for screen readers; the page shows the
    code and the address as text beside it."""
    svg = segno.make(url, error="m").svg_inline(scale=scale, dark="#000", light="#fff")
    svg = svg.replace(
        "<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the label is escaped
