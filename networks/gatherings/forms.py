"""The coordinator's forms on the gatherings' pages: parse what was typed; the services
check the rules (so the pages refuse exactly what the API refuses)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.gatherings.kinds import TaskKind

DATETIME_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


def _datetime(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_INPUT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class DesignsystemetForm(forms.Form):
    """Inputs styled as Designsystemet's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")


class GatheringForm(DesignsystemetForm):
    title = forms.CharField(label=_("Tittel"), max_length=200)
    starts_at = _datetime(_("Starter"))
    ends_at = _datetime(_("Slutter"))
    all_day = forms.BooleanField(
        label=_("Hele dager (vises som datoer i kalenderen)"), required=False
    )
    place = forms.CharField(label=_("Sted"), max_length=200, required=False)
    programme_url = forms.CharField(label=_("Lenke til programmet"), max_length=500, required=False)
    capacity = forms.IntegerField(
        label=_("Plasser"), min_value=1, max_value=100_000, required=False,
        help_text=_("Tomt: ingen grense."),
    )  # fmt: skip


class TaskForm(DesignsystemetForm):
    title = forms.CharField(label=_("Tittel"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=TaskKind.choices)
    prompt = forms.CharField(
        label=_("Oppgavetekst"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvaluationForm(DesignsystemetForm):
    scale_questions = forms.CharField(
        label=_("Spørsmål med svar fra 1 til 5"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ett spørsmål per linje."),
    )
    text_questions = forms.CharField(
        label=_("Spørsmål med fritekst"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ett spørsmål per linje."),
    )
    open = forms.BooleanField(label=_("Evalueringen er åpen"), required=False)

    def questions(self) -> list[dict[str, str]]:
        rows = []
        for name, kind in (("scale_questions", "scale"), ("text_questions", "text")):
            for line in self.cleaned_data.get(name, "").splitlines():
                if line.strip():
                    rows.append({"text": line.strip(), "kind": kind})
        return rows
