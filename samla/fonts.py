"""The typeface of every PDF Samla makes: Source Sans Pro (OFL, shipped in a wheel), which
holds the Northern Sami letters (ŋ ŧ đ č) that reportlab's built-in fonts lack."""

from __future__ import annotations

from pathlib import Path

import font_source_sans_pro
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "SamlaSans"
FONT_BOLD = "SamlaSans-Bold"
FONT_ITALIC = "SamlaSans-Italic"
FONT_FILES = {
    FONT: "SourceSansPro-Regular.ttf",
    FONT_BOLD: "SourceSansPro-Bold.ttf",
    FONT_ITALIC: "SourceSansPro-It.ttf",
}


def register_fonts() -> None:
    """Register the family with reportlab once per process (regular, bold, italic)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(font_source_sans_pro.__file__).parent / "files"
    for name, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
    )
