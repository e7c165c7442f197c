"""Rich text that stays safe and accessible: headings in order, nothing but allowed markup.

Every rich text in the CMS (page fields and StreamField blocks) is stored through
`sanitise`, which keeps only the editor's features (Wagtail's whitelister drops
`<script>`, event attributes and unknown elements), so what reaches a reader through
the `richtext` filter is what the editor can produce, whatever wrote the row.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.fields import RichTextField
from wagtail.rich_text import RichText

# A page's title is its h1; bodies start at h2.
FEATURES = [
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
]
HEADING = re.compile(r"<h([1-6])\b", re.IGNORECASE)


def validate_heading_order(value: Any) -> None:
    """Refuse headings that skip a level going down (h2 → h4), or an h1 in a body."""
    html = value.source if isinstance(value, RichText) else str(value or "")
    previous = 1
    for match in HEADING.finditer(html):
        level = int(match.group(1))
        if level == 1:
            raise ValidationError(
                _("Bruk ikke overskrift 1 i teksten: sidens tittel er overskrift 1."),
                code="heading_h1",
            )
        if level > previous + 1:
            raise ValidationError(
                _(
                    "Overskriftene hopper over et nivå (overskrift %(previous)s følges av "
                    "overskrift %(level)s). Bruk overskrift %(expected)s her."
                )
                % {"previous": previous, "level": level, "expected": previous + 1},
                code="heading_skips_level",
            )
        previous = level


def sanitise(html: str) -> str:
    """The stored rich text with only the allowed features left."""
    if not html:
        return html
    # Imported here: the admin's converters load page models, not ready at import time.
    from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

    converter = EditorHTMLConverter(features=FEATURES)
    return str(converter.to_database_format(converter.from_database_format(html)))


class SafeRichTextField(RichTextField):
    """A rich text field with Samla's features, heading check and sanitised storage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("features", FEATURES)
        validators = list(kwargs.pop("validators", []))
        if validate_heading_order not in validators:
            validators.append(validate_heading_order)
        super().__init__(*args, validators=validators, **kwargs)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return sanitise(value) if isinstance(value, str) else value


class SafeRichTextBlock(blocks.RichTextBlock):
    """The same inside a StreamField."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("features", FEATURES)
        validators = list(kwargs.pop("validators", []))
        validators.append(validate_heading_order)
        super().__init__(*args, validators=validators, **kwargs)

    def get_prep_value(self, value: Any) -> Any:
        return sanitise(super().get_prep_value(value))
