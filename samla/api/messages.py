"""Norwegian for the few Django REST framework error messages its `nb` catalogue lacks.

DRF's own translations cover most field errors; these it leaves in English, so an API
client (and the person behind it) would get one English sentence among Norwegian ones.
They are set on the field classes once, at start-up (`SamlaConfig.ready`), as lazy
translations with bokmål as the source language, like every other text of Samla's.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import fields, serializers, validators

# (field class, error key) → message; the placeholders are DRF's own.
FIELD_MESSAGES = {
    (fields.CharField, "invalid"): _("Ikke en gyldig tekst."),
    (fields.BooleanField, "invalid"): _("Må være en gyldig sannhetsverdi (true eller false)."),
    # (DRF 3.16's BigIntegerField is newer than its stubs.)
    (fields.BigIntegerField, "invalid"): _("Et gyldig heltall er påkrevd."),  # type: ignore[attr-defined]
    (fields.DateTimeField, "make_aware"): _("Ugyldig tidspunkt i tidssonen «{timezone}»."),
    (fields.DateTimeField, "overflow"): _("Tidspunktet er utenfor gyldig område."),
    (fields.DictField, "empty"): _("Dette objektet kan ikke være tomt."),
    (fields.FloatField, "overflow"): _("Tallet er for stort."),
    (fields.ListField, "min_length"): _("Listen må ha minst {min_length} elementer."),
    (fields.ListField, "max_length"): _("Listen kan ha høyst {max_length} elementer."),
    (serializers.ListSerializer, "min_length"): _("Listen må ha minst {min_length} elementer."),
    (serializers.ListSerializer, "max_length"): _("Listen kan ha høyst {max_length} elementer."),
    (fields.SlugField, "invalid_unicode"): _(
        "Oppgi en gyldig kortform av bokstaver, tall, understrek eller bindestrek."
    ),
    (fields.UUIDField, "invalid"): _("Må være en gyldig UUID."),
}
SURROGATE_MESSAGE = _("Surrogattegn er ikke tillatt: U+{code_point:X}.")


def install() -> None:
    """Put the messages on DRF's classes (idempotent)."""
    for (field_class, key), message in FIELD_MESSAGES.items():
        # Each class gets its own dict, so a subclass's change does not reach its parent.
        own = dict(field_class.__dict__.get("default_error_messages", {}))
        own[key] = message
        field_class.default_error_messages = own
    validators.ProhibitSurrogateCharactersValidator.message = SURROGATE_MESSAGE
