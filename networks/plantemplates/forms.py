"""The coordinator's forms on a network's plan template pages: they parse what was typed and
build the content; `services` (through `content.validate_content`) checks the rules, so the
pages refuse exactly what the API refuses.

The simple parts (phases, milestones, decision points, bodies) are edited as formsets of
rows (`ROW_PARTS`); goals and main activities are shown, not edited here (the API edits
them). An offset from the plan's start is two numbers: months and, optionally, days.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.gatherings.forms import DesignsystemetForm
from networks.plantemplates.content import LISTS
from networks.plantemplates.models import PlanTemplate
from tenants.plans import blueprints
from tenants.plans.models import CODE_LIMIT, NAME_LIMIT, TEXT_LIMIT, BodyKind

BLUEPRINT_PREFIX = "blueprint:"
TEMPLATE_PREFIX = "template:"


@cache
def blueprint_contents() -> dict[str, tuple[str, dict[str, Any]]]:
    """The built-in blueprints by key: their name and their content (a template's shape)."""
    path = Path(blueprints.__file__).parent / "blueprints.json"
    found = {}
    for data in json.loads(path.read_text(encoding="utf-8")):
        content = {name: data[name] for name in ("months", *LISTS) if name in data}
        found[data["key"]] = (data["name"], content)
    return found


class NewTemplateForm(DesignsystemetForm):
    title = forms.CharField(label=_("Tittel"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    start = forms.ChoiceField(
        label=_("Start fra"),
        help_text=_("En av de innebygde malene, eller en kopi av en av nettverkets maler."),
    )

    def __init__(self, *args: Any, templates: list[PlanTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {str(t.pk): t for t in templates}
        built_in = [(BLUEPRINT_PREFIX + k, n) for k, (n, _c) in blueprint_contents().items()]
        copies = [(TEMPLATE_PREFIX + pk, t.title) for pk, t in self.templates.items()]
        choices: list[Any] = [(_("Innebygde maler"), built_in)]
        if copies:
            choices.append((_("Kopi av nettverkets maler"), copies))
        start = self.fields["start"]
        assert isinstance(start, forms.ChoiceField)
        start.choices = choices

    def content(self) -> dict[str, Any]:
        start = self.cleaned_data["start"]
        if start.startswith(TEMPLATE_PREFIX):
            return dict(self.templates[start.removeprefix(TEMPLATE_PREFIX)].content)
        return dict(blueprint_contents()[start.removeprefix(BLUEPRINT_PREFIX)][1])


class DetailsForm(DesignsystemetForm):
    """Title, description and the plan's length; `version` is the working copy's version."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Tittel"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    months = forms.IntegerField(label=_("Planens lengde i måneder"), min_value=1, max_value=120)


# Rows of the simple parts -----------------------------------------------------------------


def _months(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=-24, max_value=144)


def _days(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=-366, max_value=366)


def _offset(data: Mapping[str, Any], name: str) -> list[Any]:
    days = data.get(f"{name}_days")
    return [data[f"{name}_months"]] if days in (None, 0) else [data[f"{name}_months"], days]


def _initial_offset(row: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = row.get(name)
    if not isinstance(value, list) or not value:
        return {}
    return {f"{name}_months": value[0], f"{name}_days": value[1] if len(value) > 1 else None}


class RowForm(DesignsystemetForm):
    """One row of a part; `as_content` and `initial_from` convert to and from the content."""

    offsets: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()

    def as_content(self) -> dict[str, Any]:
        data = self.cleaned_data
        row: dict[str, Any] = {name: data.get(name) or "" for name in self.texts}
        for name in self.offsets:
            row[name] = _offset(data, name)
        return row

    @classmethod
    def initial_from(cls, row: Mapping[str, Any]) -> dict[str, Any]:
        initial = {name: row.get(name, "") for name in cls.texts}
        for name in cls.offsets:
            initial.update(_initial_offset(row, name))
        return initial

    def error_field(self, name: str) -> str | None:
        """The form field that shows the content's error about `name`."""
        if name in self.offsets:
            return f"{name}_months"
        return name if name in self.fields else None


class PhaseRow(RowForm):
    texts = ("name", "description")
    offsets = ("start", "end")
    name = forms.CharField(label=_("Navn"), max_length=NAME_LIMIT)
    description = forms.CharField(label=_("Beskrivelse"), required=False, max_length=TEXT_LIMIT)
    start_months = _months(_("Start: måned"))
    start_days = _days(_("Start: dager (valgfritt)"))
    end_months = _months(_("Slutt: måned"))
    end_days = _days(_("Slutt: dager (valgfritt)"))


class DatedRow(RowForm):
    texts = ("code", "title", "text")
    offsets = ("at",)
    code = forms.CharField(label=_("Nummer"), max_length=CODE_LIMIT)
    title = forms.CharField(label=_("Tittel"), max_length=NAME_LIMIT)
    at_months = _months(_("Måned fra start"))
    at_days = _days(_("Dager i tillegg (valgfritt)"))
    text = forms.CharField(label=_("Kriterium"), required=False, max_length=TEXT_LIMIT)

    def as_content(self) -> dict[str, Any]:
        row = super().as_content()
        if not row["text"]:
            del row["text"]  # the blueprints leave an empty criterion out
        return row


class DecisionRow(DatedRow):
    text = forms.CharField(label=_("Grunnlag"), required=False, max_length=TEXT_LIMIT)


class BodyRow(RowForm):
    texts = ("kind", "name", "mandate")
    kind = forms.ChoiceField(label=_("Type"), choices=BodyKind.choices)
    name = forms.CharField(label=_("Navn"), max_length=NAME_LIMIT)
    mandate = forms.CharField(label=_("Mandat"), required=False, max_length=TEXT_LIMIT)


# The content list each formset edits, its row form and its heading.
ROW_PARTS: dict[str, tuple[type[RowForm], Any]] = {
    "phases": (PhaseRow, _("Faser")),
    "milestones": (DatedRow, _("Milepæler")),
    "decision_points": (DecisionRow, _("Beslutningspunkter")),
    "bodies": (BodyRow, _("Organisering")),
}


class RowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Fjern raden")


def row_formset(
    part: str, content: Mapping[str, Any], data: Mapping[str, Any] | None = None
) -> forms.BaseFormSet[Any]:
    """The part's rows as a formset (one empty row to add one, a box to remove each)."""
    form, _heading = ROW_PARTS[part]
    factory = forms.formset_factory(form, formset=RowFormSet, extra=1, can_delete=True, max_num=100)
    rows = content.get(part, [])
    initial = [form.initial_from(row) for row in rows if isinstance(row, dict)]
    return factory(data, initial=initial, prefix=part)
