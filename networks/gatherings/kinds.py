"""The kinds of group task, declared once: the fields of an answer, their labels and rules.

A kind names the fields one municipality's answer has (seed 003's analysis grid: what we
are satisfied with, what we want to improve, which external actors could help, each with a
why; free text; a 1–5 scale). The API, the answer forms on the join page, the live screen
and the checks in `services` all read this registry; a new kind is one declaration here
(and its value in `TaskKind`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla.textrules import validate_no_national_id, validate_printable

TEXT_MAX = 4000
SCALE_MIN, SCALE_MAX = 1, 5


class TaskKind(models.TextChoices):
    GRID = "grid", gettext_lazy("Analysekrysset")
    TEXT = "text", gettext_lazy("Fritekst")
    SCALE = "scale", gettext_lazy("Skala 1–5")


@dataclass(frozen=True)
class AnswerField:
    key: str
    label: str | Promise
    scale: bool = False  # an integer 1–5; otherwise free text

    @property
    def text(self) -> bool:
        return not self.scale


@dataclass(frozen=True)
class Kind:
    key: str
    fields: tuple[AnswerField, ...]

    @property
    def field_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)


KINDS: dict[str, Kind] = {
    TaskKind.GRID: Kind(
        TaskKind.GRID,
        (
            AnswerField("satisfied", gettext_lazy("Forhold vi er fornøyde med")),
            AnswerField("satisfied_why", gettext_lazy("Vi er fornøyde med disse fordi")),
            AnswerField("improve", gettext_lazy("Forhold vi ønsker å bli bedre på")),
            AnswerField("improve_why", gettext_lazy("Vi ønsker å bli bedre på dem fordi")),
            AnswerField(
                "external",
                gettext_lazy("Eksterne aktører eller tilbud som kan forsterke vår lokale innsats"),
            ),
            AnswerField("external_why", gettext_lazy("De kan bidra fordi")),
        ),
    ),
    TaskKind.TEXT: Kind(TaskKind.TEXT, (AnswerField("text", gettext_lazy("Svar")),)),
    TaskKind.SCALE: Kind(
        TaskKind.SCALE, (AnswerField("value", gettext_lazy("Verdi fra 1 til 5"), scale=True),)
    ),
}


def kind_of(key: str) -> Kind:
    return KINDS[key]


def _scale(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdecimal():
        number = int(value.strip())
    else:
        return None
    return number if SCALE_MIN <= number <= SCALE_MAX else None


def clean_answer(kind: Kind, given: object) -> dict[str, Any]:
    """The answer's content as stored, or a ValidationError keyed `answer.<field>`.

    Text fields are trimmed, at most TEXT_MAX characters, without identity numbers or
    control characters; a scale is a whole number 1–5; unknown fields are refused; an
    answer must say something.
    """
    if not isinstance(given, dict):
        raise ValidationError({"answer": [_("Svaret må være et objekt med feltene for oppgaven.")]})
    errors: dict[str, list[str]] = {}
    unknown = sorted(str(k) for k in given if k not in kind.field_keys)
    if unknown:
        errors["answer"] = [
            _("Ukjente felt for denne oppgaven: %(fields)s. Gyldige felt: %(valid)s.")
            % {"fields": ", ".join(unknown), "valid": ", ".join(kind.field_keys)}
        ]
    content: dict[str, Any] = {}
    for field in kind.fields:
        value = given.get(field.key)
        if value is None or value == "":
            continue
        key = f"answer.{field.key}"
        if field.scale:
            number = _scale(value)
            if number is None:
                errors[key] = [
                    _("Velg et helt tall fra %(min)d til %(max)d.")
                    % {"min": SCALE_MIN, "max": SCALE_MAX}
                ]
            else:
                content[field.key] = number
            continue
        if not isinstance(value, str):
            errors[key] = [_("Skriv svaret som tekst.")]
            continue
        text = value.strip()
        if len(text) > TEXT_MAX:
            errors[key] = [_("Høyst %(max)d tegn.") % {"max": TEXT_MAX}]
            continue
        try:
            validate_printable(text)
            validate_no_national_id(text)
        except ValidationError as exc:
            errors[key] = [str(m) for m in exc.messages]
            continue
        if text:
            content[field.key] = text
    if not errors and not content:
        errors["answer"] = [_("Svaret er tomt: fyll ut minst ett felt.")]
    if errors:
        raise ValidationError(errors)
    return content
