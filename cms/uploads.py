"""Checks on uploaded documents: size and type read from the content, never from the name.

A file's name can say anything (`virus.exe` renamed `program.pdf`); `filetype` reads
its first bytes. The type found must be one Samla accepts and must agree with the
name's extension, so that the content type a reader is sent is the true one.
"""

from __future__ import annotations

from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Extension → the content type a reader is sent. The keys are the types accepted.
ACCEPTED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
}
# Names the same type may carry.
EXTENSION_ALIASES = {"jpeg": "jpg"}


def max_document_bytes() -> int:
    return int(settings.SAMLA_DOCUMENT_MAX_BYTES)


def detect_document_type(name: str, content: IO[bytes], size: int | None) -> str:
    """The accepted extension the content really is, or ValidationError (Norwegian)."""
    limit = max_document_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            _("Filen er for stor (%(size)s). Største tillatte størrelse er %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    position = content.tell() if hasattr(content, "tell") else 0
    content.seek(0)
    head = content.read(8192)
    content.seek(position)
    kind = filetype.guess(head)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    extension = EXTENSION_ALIASES.get(extension, extension)
    accepted = ", ".join(sorted(ACCEPTED_TYPES))
    if kind is None or kind.extension not in ACCEPTED_TYPES:
        raise ValidationError(
            _("Filtypen er ikke tillatt. Innholdet må være en av disse: %(types)s.")
            % {"types": accepted},
            code="refused_type",
        )
    if kind.extension != extension:
        raise ValidationError(
            _("Filnavnet (.%(name)s) stemmer ikke med innholdet, som er .%(content)s.")
            % {"name": extension or "–", "content": kind.extension},
            code="name_mismatch",
        )
    return str(kind.extension)
