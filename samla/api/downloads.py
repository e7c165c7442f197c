"""Documents the API hands out as attachments (Word, PDF, spreadsheets, calendars).

One renderer per kind of document, so that a client may ask for it by type while errors
still go out as JSON text; one `Content-Disposition` with a safe ASCII file name and the
UTF-8 one; and a response that is never cached by a shared cache.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.text import slugify
from rest_framework.renderers import BaseRenderer


class BinaryRenderer(BaseRenderer):
    """Lets a client ask for the document's type; errors still go out as JSON text."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


def renderer_for(content_type: str, extension: str) -> type[BaseRenderer]:
    """The renderer of one kind of document (`application/pdf`, `pdf`)."""
    return type(
        f"{extension.title()}Renderer",
        (BinaryRenderer,),
        {"media_type": content_type.split(";")[0], "format": extension},
    )


def attachment_header(title: str, extension: str, fallback: str = "dokument") -> str:
    """`Content-Disposition` for a download: a safe ASCII name and the UTF-8 one."""
    ascii_name = f"{slugify(title)[:80] or fallback}.{extension}"
    readable = f"{title.strip()[:120] or fallback}.{extension}"
    readable = "".join(c for c in readable if c.isprintable() and c not in '/\\"')
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(readable)}"


def attachment(
    content: bytes, content_type: str, title: str, extension: str, fallback: str = "dokument"
) -> HttpResponse:
    """The document as a download named after `title`, kept out of shared caches."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(title, extension, fallback)
    response["Cache-Control"] = "private, no-store"
    return response
