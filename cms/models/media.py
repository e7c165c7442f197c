"""Images with required alt text, and documents whose type is checked from their content."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage, AbstractRendition

from cms.uploads import ACCEPTED_TYPES, detect_document_type
from samla.accounts.models import User

ALT_TEXT_REQUIRED = _("Skriv en alternativ tekst: hva bildet viser, for den som ikke ser det.")


def uploader() -> models.ForeignKey[User | None, User | None]:
    """Who uploaded an image or a document (Wagtail's field, labelled in Norwegian); left
    out of Wagtail's reference index, as Wagtail's own is."""
    field: models.ForeignKey[User | None, User | None] = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lastet opp av"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    field.wagtail_reference_index_ignore = True  # type: ignore[attr-defined]
    return field


class SamlaImage(AbstractImage):
    """An image; its description is the alt text and may not be empty (universal design)."""

    description: models.CharField[str, str] = models.CharField(
        _("alternativ tekst"),
        max_length=255,
        help_text=_("Hva bildet viser, for den som ikke ser det. Påkrevd."),
        error_messages={"blank": ALT_TEXT_REQUIRED},
    )
    uploaded_by_user = uploader()

    admin_form_fields = (
        "title",
        "file",
        "description",
        "collection",
        "tags",
        "focal_point_x",
        "focal_point_y",
        "focal_point_width",
        "focal_point_height",
    )

    class Meta(AbstractImage.Meta):
        verbose_name = _("bilde")
        verbose_name_plural = _("bilder")
        constraints = [
            models.CheckConstraint(
                condition=~Q(description__regex=r"^\s*$"), name="cms_image_has_alt_text"
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if not (self.description or "").strip():
            raise ValidationError({"description": ALT_TEXT_REQUIRED})

    @property
    def default_alt_text(self) -> str:
        return str(self.description)


class SamlaRendition(AbstractRendition):
    image: models.ForeignKey[SamlaImage, SamlaImage] = models.ForeignKey(
        SamlaImage, on_delete=models.CASCADE, related_name="renditions"
    )

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class SamlaDocument(AbstractDocument):
    """A document (programme material, forms); type and size checked on upload.

    `detected_type` is the extension its content was found to be; readers are sent the
    content type of that, not of whatever the name says.
    """

    detected_type: models.CharField[str, str] = models.CharField(
        _("filtype"), max_length=10, editable=False, default=""
    )
    uploaded_by_user = uploader()

    admin_form_fields = ("title", "file", "collection", "tags")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")

    def clean(self) -> None:
        # Wagtail's own check of the name's extension first (WAGTAILDOCS_EXTENSIONS).
        super().clean()
        if not self.file:
            raise ValidationError({"file": _("Velg en fil.")})
        try:
            self.detected_type = detect_document_type(
                self.file.name or "", self.file, getattr(self.file, "size", None)
            )
        except ValidationError as error:
            raise ValidationError({"file": error.messages[0]}) from error

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every path that writes a document (admin, chooser, code) is checked the same way.
        if not self.detected_type or "file" in (kwargs.get("update_fields") or ["file"]):
            self.clean()
        super().save(*args, **kwargs)

    @property
    def content_type(self) -> str:
        return ACCEPTED_TYPES.get(self.detected_type, "application/octet-stream")
