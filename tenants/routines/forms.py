"""Forms of the routine pages: what a person types, parsed for the routine services.

A form only parses types, lengths and which choices exist (this municipality's units, the
CMS catalogue's methods, the plans' milestones, measures and bodies); the rules live in
`tenants.routines.services`, whose ValidationError the views put back on the form next to
the field it names. The steps are a formset: one row per step, a row removed by ticking
"Fjern", a row added by the "Legg til trinn" button (no JavaScript needed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cms.models import CollaborationMethod
from tenants.plans.forms import DateInput, ServiceForm
from tenants.plans.models import Body, Measure, Milestone
from tenants.routines.models import (
    BTI_LEVELS,
    MAX_STEPS,
    RoutineKind,
    RoutineLevel,
    RoutineStatus,
    RoutineVersion,
    Unit,
)

Choices = list[tuple[Any, str]]
FormT = TypeVar("FormT", bound=forms.Form)

BTI_LABELS = {
    0: gettext_lazy("Nivå 0 – er det grunn til bekymring?"),
    1: gettext_lazy("Nivå 1 – tiltak i egen enhet"),
    2: gettext_lazy("Nivå 2 – to tjenester samarbeider"),
    3: gettext_lazy("Nivå 3 – flere tjenester samarbeider"),
}


def _max_length(name: str) -> int | None:
    length: int | None = getattr(RoutineVersion._meta.get_field(name), "max_length", None)
    return length


def unit_choices(units: Iterable[Unit]) -> Choices:
    return [(unit.pk, unit.name) for unit in units]


def bti_choices() -> Choices:
    return [(level, str(BTI_LABELS[level])) for level in BTI_LEVELS]


class VersionField(forms.IntegerField):
    """The `version` of the row the person edited (hidden), for the optimistic lock."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def _checkboxes(label: Any, choices: Choices, *, coerce: Any = int) -> forms.Field:
    return forms.TypedMultipleChoiceField(
        label=label,
        choices=choices,
        coerce=coerce,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _pick(label: Any, choices: Choices, empty: Any, *, required: bool = False) -> forms.Field:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", empty), *choices],
        coerce=int,
        empty_value=None,
        required=required,
    )


def _date(label: Any, *, today: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput(),
        initial=timezone.localdate if today else None,
        help_text=gettext_lazy("Dato på formen ÅÅÅÅ-MM-DD."),
    )


# The list's filter --------------------------------------------------------------------


class FilterForm(forms.Form):
    """The list's filter (GET): by unit, BTI level and status."""

    unit = forms.TypedChoiceField(
        label=gettext_lazy("Enhet"), coerce=int, empty_value=None, required=False
    )
    bti = forms.TypedChoiceField(
        label=gettext_lazy("BTI-nivå"), coerce=int, empty_value=None, required=False
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args: Any, units: Iterable[Unit] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", gettext_lazy("Alle enheter")), *unit_choices(units)]  # type: ignore[attr-defined]
        self.fields["bti"].choices = [("", gettext_lazy("Alle nivåer")), *bti_choices()]  # type: ignore[attr-defined]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("Alle")),
            *RoutineStatus.choices,
        ]


# A routine's content ------------------------------------------------------------------


def method_choices() -> Choices:
    """The CMS catalogue's collaboration methods (public schema), by slug."""
    return list(CollaborationMethod.objects.order_by("name").values_list("slug", "name"))


def milestone_choices() -> Choices:
    rows = Milestone.objects.select_related("plan").order_by("plan__title", "due", "code", "id")
    return [(row.pk, f"{row.plan.title}: {row}") for row in rows]


def measure_choices() -> Choices:
    rows = Measure.objects.select_related("plan").order_by("plan__title", "id")
    return [(row.pk, f"{row.plan.title}: {row}") for row in rows]


def body_choices() -> Choices:
    rows = Body.objects.select_related("plan").order_by("plan__title", "order", "id")
    return [(row.pk, f"{row.name} ({row.plan.title})") for row in rows]


class RoutineForm(forms.Form):
    """A routine's content and its links to the plans (the steps are `StepFormSet`)."""

    version = VersionField()
    title = forms.CharField(label=gettext_lazy("Tittel"), max_length=_max_length("title"))
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=RoutineKind.choices, initial=RoutineKind.ROUTINE
    )
    purpose = forms.CharField(
        label=gettext_lazy("Formål"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=_max_length("purpose"),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Nivå"), choices=RoutineLevel.choices, initial=RoutineLevel.SYSTEM
    )
    bti_levels = _checkboxes(gettext_lazy("BTI-nivåer rutinen gjelder"), bti_choices())
    owner_unit = _pick(gettext_lazy("Eierenhet"), [], gettext_lazy("Velg enhet"), required=True)
    units = _checkboxes(gettext_lazy("Enheter som er med"), [])
    methods = _checkboxes(gettext_lazy("Samhandlingsmetoder"), [], coerce=str)
    internal_control_area = forms.CharField(
        label=gettext_lazy("Internkontrollområde"),
        required=False,
        max_length=_max_length("internal_control_area"),
    )
    review_interval_months = forms.IntegerField(
        label=gettext_lazy("Gjennomgås hver (måneder)"),
        initial=12,
        help_text=gettext_lazy("Fra 1 til 60 måneder."),
    )
    change_note = forms.CharField(
        label=gettext_lazy("Hva er endret i denne versjonen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=_max_length("change_note"),
    )
    milestones = _checkboxes(gettext_lazy("Milepæler rutinen oppfyller"), [])
    measures = _checkboxes(gettext_lazy("Tiltak rutinen oppfyller"), [])

    stale = False  # someone else saved first: the page shows the current values (409)
    CONTENT = (
        "title", "kind", "purpose", "level", "bti_levels", "owner_unit", "units", "methods",
        "internal_control_area", "review_interval_months", "change_note",
    )  # fmt: skip
    LINKS = ("milestones", "measures")

    def __init__(
        self, *args: Any, units: Sequence[Unit] = (), creating: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        offered = unit_choices(units)
        self.fields["owner_unit"].choices = [("", gettext_lazy("Velg enhet")), *offered]  # type: ignore[attr-defined]
        self.fields["units"].choices = offered  # type: ignore[attr-defined]
        self.fields["methods"].choices = method_choices()  # type: ignore[attr-defined]
        self.fields["milestones"].choices = milestone_choices()  # type: ignore[attr-defined]
        self.fields["measures"].choices = measure_choices()  # type: ignore[attr-defined]
        if creating:
            del self.fields["version"]
            del self.fields["change_note"]  # the first version changes nothing

    def service_data(self, only_changed: bool = False) -> dict[str, Any]:
        """What `create_routine`/`update_routine` take: the typed values, without the
        version; with `only_changed`, the content fields only when one of them changed
        (so that linking a plan row does not start a new draft of an approved routine)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if only_changed and not set(self.changed_data) & set(self.CONTENT):
            for name in self.CONTENT:
                data.pop(name, None)
        return data

    @property
    def edited_version(self) -> int | None:
        return self.cleaned_data.get("version")


def initial_of(
    version: RoutineVersion, milestone_ids: list[int], measure_ids: list[int]
) -> dict[str, Any]:
    """A version's content (and the routine's links) as the form's initial values."""
    return {
        "title": version.title,
        "kind": version.kind,
        "purpose": version.purpose,
        "level": version.level,
        "bti_levels": list(version.bti_levels),
        "owner_unit": version.owner_unit_id,
        "units": [unit.pk for unit in version.units.all()],
        "methods": list(version.methods),
        "internal_control_area": version.internal_control_area,
        "review_interval_months": version.review_interval_months,
        "change_note": version.change_note,
        "milestones": milestone_ids,
        "measures": measure_ids,
    }


class StepForm(forms.Form):
    """One step: what is done, by which unit, when. A row left empty is no step."""

    action = forms.CharField(
        label=gettext_lazy("Hva gjøres"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=_max_length("purpose"),
    )
    responsible_unit = _pick(gettext_lazy("Ansvarlig enhet"), [], gettext_lazy("Velg enhet"))
    timing = forms.CharField(label=gettext_lazy("Når"), required=False, max_length=200)

    def __init__(self, *args: Any, units: Choices = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].choices = [("", gettext_lazy("Velg enhet")), *units]  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("action") or data.get("responsible_unit") or data.get("timing"))


BaseStepFormSet = forms.formset_factory(
    StepForm, extra=0, can_delete=True, max_num=MAX_STEPS, validate_max=True, absolute_max=MAX_STEPS
)


class StepFormSet(BaseStepFormSet):  # type: ignore[valid-type,misc]
    prefix_default = "steps"

    def __init__(self, *args: Any, units: Sequence[Unit] = (), **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "steps")
        kwargs["form_kwargs"] = {"units": unit_choices(units)}
        super().__init__(*args, **kwargs)
        for number, form in enumerate(self.forms, start=1):
            form.fields["DELETE"].label = gettext_lazy("Fjern trinn %(number)d") % {
                "number": number
            }

    def steps(self) -> list[dict[str, Any]]:
        """The kept rows as the service takes them, in the order shown."""
        kept = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.is_blank():
                continue
            data = form.cleaned_data
            kept.append(
                {
                    "action": data.get("action") or "",
                    "responsible_unit": data.get("responsible_unit"),
                    "timing": data.get("timing") or "",
                }
            )
        return kept


def steps_initial(version: RoutineVersion) -> list[dict[str, Any]]:
    return [
        {"action": s.action, "responsible_unit": s.responsible_unit_id, "timing": s.timing}
        for s in version.steps.all()
    ]


def with_added_row(data: QueryDict) -> QueryDict:
    """The sent data with one more (empty) step row: the "Legg til trinn" button."""
    more = data.copy()
    try:
        total = int(data.get("steps-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    more["steps-TOTAL_FORMS"] = str(min(max(total, 0) + 1, MAX_STEPS))
    return more


def unbound_initial(form_class: type[FormT], data: QueryDict, **kwargs: Any) -> FormT:
    """The form shown again with what was typed, unbound (no errors shown): for the
    "Legg til trinn" button, which saves nothing."""
    probe = form_class(**kwargs)
    initial: dict[str, Any] = {}
    for name, field in probe.fields.items():
        if isinstance(field.widget, forms.CheckboxSelectMultiple):
            initial[name] = data.getlist(name)
        elif name in data:
            initial[name] = data.get(name)
    return form_class(initial=initial, **kwargs)


# Actions on a routine -----------------------------------------------------------------


class VersionOnlyForm(forms.Form):
    prefix = "discard"
    version = VersionField()


class ApproveForm(forms.Form):
    prefix = "approve"
    version = VersionField()
    approved_on = _date(gettext_lazy("Godkjent dato"))
    approved_by_body = _pick(
        gettext_lazy("Godkjent av gruppe"), [], gettext_lazy("Ingen av planenes grupper")
    )
    approved_by = forms.CharField(
        label=gettext_lazy("Eller godkjent av (rolle eller organ)"),
        required=False,
        max_length=_max_length("approved_by"),
        help_text=gettext_lazy("For eksempel «Kommunedirektørens ledergruppe»."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approved_by_body"].choices = [  # type: ignore[attr-defined]
            ("", gettext_lazy("Ingen av planenes grupper")),
            *body_choices(),
        ]


class RetireForm(forms.Form):
    prefix = "retire"
    version = VersionField()
    retired_on = _date(gettext_lazy("Utgått fra dato"))


class ReviewForm(forms.Form):
    prefix = "review"
    version = VersionField()
    reviewed_on = _date(gettext_lazy("Gjennomgått dato"))
    note = forms.CharField(
        label=gettext_lazy("Merknad"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class AdoptionForm(forms.Form):
    prefix = "adopt"
    unit = _pick(gettext_lazy("Enhet"), [], gettext_lazy("Velg enhet"))
    adopted_on = _date(gettext_lazy("Tatt i bruk"))
    confirmed_on = _date(gettext_lazy("Sist bekreftet i bruk (valgfritt)"), today=False)

    def __init__(self, *args: Any, units: Sequence[Unit] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", gettext_lazy("Velg enhet")), *unit_choices(units)]  # type: ignore[attr-defined]


class ConfirmForm(forms.Form):
    """Confirm that a unit still uses the routine (one form per adoption)."""

    version = VersionField()
    confirmed_on = _date(gettext_lazy("Bekreftet dato"))

    def __init__(self, *args: Any, adoption_id: int, unit_name: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"adoption-{adoption_id}")
        super().__init__(*args, **kwargs)
        self.adoption_id = adoption_id
        if unit_name:  # one form per unit on the page: each label says which
            self.fields["confirmed_on"].label = gettext_lazy("Bekreftet i bruk i %(unit)s") % {
                "unit": unit_name
            }


# Units --------------------------------------------------------------------------------


class UnitForm(ServiceForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "leader_name", "email", "order"]
        help_texts = {"email": gettext_lazy("Varsler om gjennomgang sendes hit.")}
