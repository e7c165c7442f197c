"""The forms of a municipality's network page (`networks.views.memberships_page`): they
parse what was typed; the services (`networks.services`, `networks.gatherings.services`)
check the rules, so the page refuses exactly what the API refuses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from networks.gatherings.services import MAX_PARTICIPANTS
from networks.models import Sharing

# Empty participant rows a registration form offers beyond those already registered.
SPARE_ROWS = 3
MIN_ROWS = 3
PARTICIPANT_FIELDS = ("name", "role", "unit")


class SharingForm(forms.Form):
    """What the municipality lets one network see (its leader chooses)."""

    sharing = forms.ChoiceField(
        label=_("Hva nettverket får se"),
        choices=Sharing.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hva nettverket får se."),
            "invalid_choice": _(
                "Velg enten «Bare statustall» eller «Statustall og planene (kun lesing)»."
            ),
        },
    )


def rows_for(registered: int, sent: object = None) -> int:
    """How many participant rows the form has: what was sent (bounded), else those
    registered and a few spare."""
    if sent is not None:
        try:
            return max(1, min(int(str(sent)), MAX_PARTICIPANTS))
        except ValueError:
            return MIN_ROWS
    return max(MIN_ROWS, min(registered + SPARE_ROWS, MAX_PARTICIPANTS))


class RegistrationForm(forms.Form):
    """The municipality's participants at one gathering: a row (name, role, unit) each.

    Empty rows are left out; the service checks the rest (a name, length, no identity
    numbers, the capacity) and its errors come back next to the row's fields.
    """

    def __init__(
        self,
        *args: Any,
        rows: int,
        initial_rows: list[dict[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        initial: dict[str, str] = {}
        for index, person in enumerate(initial_rows or []):
            for name in PARTICIPANT_FIELDS:
                initial[f"{name}_{index}"] = person.get(name, "")
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.row_count = rows
        labels = {"name": _("Navn"), "role": _("Rolle"), "unit": _("Enhet")}
        for index in range(rows):
            for name in PARTICIPANT_FIELDS:
                self.fields[f"{name}_{index}"] = forms.CharField(
                    label=labels[name],
                    max_length=200,
                    required=False,
                    # Other people's names: the browser's own suggestions do not fit.
                    widget=forms.TextInput(attrs={"class": "ds-input", "autocomplete": "off"}),
                )
        self._sources: list[int] = []

    def rows(self) -> list[list[forms.BoundField]]:
        """The bound fields by row, for the template (a fieldset per participant)."""
        return [[self[f"{name}_{i}"] for name in PARTICIPANT_FIELDS] for i in range(self.row_count)]

    def participants(self) -> list[dict[str, str]]:
        """The rows with anything typed, in order (the service gets these)."""
        people: list[dict[str, str]] = []
        self._sources = []
        for index in range(self.row_count):
            row = {
                name: self.cleaned_data.get(f"{name}_{index}", "") for name in PARTICIPANT_FIELDS
            }
            if any(value.strip() for value in row.values()):
                people.append(row)
                self._sources.append(index)
        return people

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's errors next to the row's field (`participants.2.name` → `name_<row>`)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "participants" and parts[1].isdecimal():
                position = int(parts[1])
                if position < len(self._sources) and parts[2] in PARTICIPANT_FIELDS:
                    self.add_error(f"{parts[2]}_{self._sources[position]}", messages)
                    continue
            self.add_error(None, messages)
