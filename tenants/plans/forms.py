"""Forms of the plan pages: the fields a person fills in, typed for the services.

A form only parses what was typed (types, lengths, choices, which rows of this plan may
be linked); the plan's rules live in `services`, whose ValidationError the views put back
on the form next to the field it names. Model validation is left to the services, so a
form never writes and never checks a rule twice. Edit forms carry the row's `version`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.plans import models as m
from tenants.plans.blueprints import BLUEPRINTS
from tenants.plans.models import NAME_LIMIT
from tenants.plans.queries import CONSEQUENCE_LABELS, LIKELIHOOD_LABELS

RowT = TypeVar("RowT", bound=models.Model)

LINE_SEPARATOR = "|"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m", **kwargs)


class MonthField(forms.DateField):
    """A month, typed as ÅÅÅÅ-MM (or a date in it); the first day of it."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d", "%m.%Y", "%d.%m.%Y"]
    default_error_messages = {"invalid": gettext_lazy("Skriv en måned som ÅÅÅÅ-MM.")}

    def to_python(self, value: Any) -> datetime.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class LinesField(forms.CharField):
    """A list of texts, one per line; empty lines are dropped."""

    widget = forms.Textarea

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]  # lines, not str
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def split_line(line: str, parts: int) -> list[str]:
    pieces = [p.strip() for p in line.split(LINE_SEPARATOR)]
    return (pieces + [""] * parts)[:parts] if len(pieces) <= parts else pieces


if TYPE_CHECKING:
    # Generic only in Django's stubs (not subscriptable at run time).
    _ModelForm = forms.ModelForm[m.Versioned]
    _GoalChoiceField = forms.ModelChoiceField[m.Goal]
else:
    _ModelForm = forms.ModelForm
    _GoalChoiceField = forms.ModelChoiceField


class ServiceForm(_ModelForm):
    """A part's form: fields from the model, validation by the service.

    Fields that pick other rows offer this plan's rows only (never the row itself), as
    check boxes where several are picked; texts get `text_rows` lines (3 unless named).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stale = False  # someone else saved first: the page shows the current values (409)
    text_rows: ClassVar[Mapping[str, int]] = {}
    default_text_rows: ClassVar[int] = 3

    def __init__(self, *args: Any, plan: m.Plan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        else:
            del self.fields["version"]
        for name, bound in self.fields.items():
            if isinstance(bound, forms.DateField) and not isinstance(bound, MonthField):
                bound.widget = DateInput(attrs=bound.widget.attrs)
            elif isinstance(bound, forms.ModelChoiceField):
                self._offer_plan_rows(bound)
            elif isinstance(bound.widget, forms.Textarea) and not isinstance(bound, LinesField):
                bound.widget.attrs["rows"] = self.text_rows.get(name, self.default_text_rows)

    def _offer_plan_rows(self, bound: forms.ModelChoiceField[Any]) -> None:
        if bound.queryset is None:
            return
        model = bound.queryset.model
        if not any(f.name == "plan" for f in model._meta.fields):
            return  # a shared row (an indicator, public schema): every one is offered
        if isinstance(bound, forms.ModelMultipleChoiceField):
            bound.widget = forms.CheckboxSelectMultiple()
        rows = plan_rows(model, self.plan)
        if model is type(self.instance) and self.instance.pk:
            rows = rows.exclude(pk=self.instance.pk)
        bound.queryset = rows  # also gives the widget its choices

    def _post_clean(self) -> None:
        """The service validates the row (see the module docstring)."""

    def service_data(self) -> dict[str, Any]:
        """What the service is given: the typed values, without the version."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name == "version":
                continue
            if isinstance(value, models.QuerySet):
                value = list(value)
            data[name] = value
        return data

    @property
    def edited_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's field errors on a form, next to the fields they name (else on top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        if target is None and name not in (NON_FIELD_ERRORS, "version"):
            label = name.replace("_", " ")
            messages = [f"{label}: {message}" for message in messages]
        form.add_error(target, messages)


def plan_rows(model: type[RowT], plan: m.Plan | None) -> models.QuerySet[RowT]:
    if plan is None:
        return model._default_manager.none()
    return model._default_manager.filter(plan=plan)


# The plan itself ------------------------------------------------------------------------


class PlanForm(ServiceForm):
    default_text_rows = 10  # the plan's sections are long
    leaders = LinesField(
        label=gettext_lazy("Prosjektledere"), help_text=gettext_lazy("Én per linje.")
    )

    class Meta:
        model = m.Plan
        fields = [
            "title", "number", "case_number", "owner", "sponsor", "leaders", "start", "end",
            "status", "background", "purpose", "target_group", "scope", "references",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["status"]  # a new plan starts as a draft


# Parts ----------------------------------------------------------------------------------


class PhaseForm(ServiceForm):
    class Meta:
        model = m.Phase
        fields = ["order", "name", "description", "start", "end", "is_current"]


class GoalChoiceField(_GoalChoiceField):
    """A goal shown with its level ("Effektmål: …")."""

    def label_from_instance(self, obj: m.Goal) -> str:
        return f"{obj.get_level_display()}: {obj}"


class GoalForm(ServiceForm):
    class Meta:
        model = m.Goal
        fields = [
            "level", "text", "due", "parent", "baseline", "target", "current", "unit", "period",
            "indicator",
        ]  # fmt: skip
        field_classes = {"parent": GoalChoiceField}


class MeasureForm(ServiceForm):
    class Meta:
        model = m.Measure
        fields = ["text", "responsible", "goals"]


class MilestoneForm(ServiceForm):
    class Meta:
        model = m.Milestone
        fields = [
            "code", "title", "due", "criterion", "status", "done_on", "evidence", "responsible",
        ]  # fmt: skip


class MilestoneQuickForm(ServiceForm):
    """Inline edit of a milestone's status and date (a row of the list)."""

    class Meta:
        model = m.Milestone
        fields = ["status", "due"]


class DecisionPointForm(ServiceForm):
    class Meta:
        model = m.DecisionPoint
        fields = ["code", "title", "due", "basis", "decision", "decided_on", "decided_by"]


class ActivityForm(ServiceForm):
    start_month = MonthField(label=gettext_lazy("Første måned"))
    end_month = MonthField(label=gettext_lazy("Siste måned"))

    text_rows = {"tasks": 4}

    class Meta:
        model = m.Activity
        fields = [
            "code", "name", "start_month", "end_month", "purpose", "tasks", "result",
            "milestones", "responsible", "status",
        ]  # fmt: skip


def scale_choices(labels: dict[int, Any]) -> list[tuple[int, str]]:
    return [(value, f"{value} – {label}") for value, label in labels.items()]


class RiskForm(ServiceForm):
    likelihood = forms.TypedChoiceField(
        label=gettext_lazy("Sannsynlighet (S)"),
        coerce=int,
        choices=scale_choices(LIKELIHOOD_LABELS),
    )
    consequence = forms.TypedChoiceField(
        label=gettext_lazy("Konsekvens (K)"),
        coerce=int,
        choices=scale_choices(CONSEQUENCE_LABELS),
    )

    class Meta:
        model = m.Risk
        fields = ["title", "likelihood", "consequence", "measure", "owner", "status"]


class RiskQuickForm(RiskForm):
    """Inline edit of a risk's likelihood and consequence (a row of the list)."""

    class Meta:
        model = m.Risk
        fields = ["likelihood", "consequence"]


class SuccessFactorForm(ServiceForm):
    sub_points = LinesField(
        label=gettext_lazy("Underpunkter"), help_text=gettext_lazy("Ett per linje.")
    )

    class Meta:
        model = m.SuccessFactor
        fields = ["priority", "text", "sub_points", "measure", "risks"]


class BudgetLineForm(ServiceForm):
    class Meta:
        model = m.BudgetLine
        fields = ["kind", "label", "amount", "period", "settled"]
        help_texts = {
            "settled": gettext_lazy("Ta bort krysset for finansiering som ikke er avklart ennå.")
        }


class MembersField(LinesField):
    """Body members, one per line: name | title | unit | role."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(
                f" {LINE_SEPARATOR} ".join(
                    [member.name, member.title, member.unit, member.role]
                    if isinstance(member, m.BodyMember)
                    else [str(member.get(k, "")) for k in ("name", "title", "unit", "role")]
                ).rstrip(f" {LINE_SEPARATOR}")
                for member in value
            )
        return value

    def clean(self, value: Any) -> list[dict[str, str]]:
        lines = super().clean(value)
        members = []
        for number, line in enumerate(lines, start=1):
            pieces = split_line(line, 4)
            if len(pieces) > 4:
                raise ValidationError(
                    _("Linje %(number)d har mer enn fire deler (navn | stilling | enhet | rolle).")
                    % {"number": number}
                )
            members.append(dict(zip(("name", "title", "unit", "role"), pieces, strict=True)))
        return members


class BodyForm(ServiceForm):
    instance: m.Body
    members = MembersField(
        label=gettext_lazy("Medlemmer"),
        help_text=gettext_lazy("Ett per linje: navn | stilling | enhet | rolle."),
    )

    text_rows = {"mandate": 4}

    class Meta:
        model = m.Body
        fields = ["kind", "name", "mandate", "order", "members"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "members" not in self.initial:
            self.initial["members"] = list(self.instance.members.all())

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        # Keep existing member rows (and their user links) where the name is unchanged.
        existing = list(self.instance.members.all()) if self.instance.pk else []
        for item in data.get("members", []):
            match = next((row for row in existing if row.name == item["name"]), None)
            if match is not None:
                existing.remove(match)
                item["id"] = match.pk
        return data


class MeetingSeriesForm(ServiceForm):
    text_rows = {"participants": 2}

    class Meta:
        model = m.MeetingSeries
        fields = ["name", "body", "frequency", "agenda", "participants"]


class ActionsField(LinesField):
    """Minutes' actions, one per line: what | owner | due (ÅÅÅÅ-MM-DD) | x when done."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            lines = []
            for item in value:
                if not isinstance(item, dict):
                    lines.append(str(item))
                    continue
                pieces = [item.get("text") or "", item.get("owner") or "", item.get("due") or ""]
                if item.get("done"):
                    pieces.append("x")
                lines.append(f" {LINE_SEPARATOR} ".join(pieces).rstrip(f" {LINE_SEPARATOR}"))
            return "\n".join(lines)
        return value

    def clean(self, value: Any) -> list[dict[str, Any]]:
        actions = []
        for line in super().clean(value):
            pieces = split_line(line, 4)
            text, owner, due = pieces[0], pieces[1], pieces[2]
            done = " ".join(pieces[3:]).strip().lower() in ("x", "ja", "utført")
            actions.append({"text": text, "owner": owner, "due": due or None, "done": done})
        return actions


class MeetingForm(ServiceForm):
    attendees = LinesField(label=gettext_lazy("Til stede"), help_text=gettext_lazy("Én per linje."))
    decisions = LinesField(label=gettext_lazy("Vedtak"), help_text=gettext_lazy("Ett per linje."))
    actions = ActionsField(
        label=gettext_lazy("Oppfølgingspunkter"),
        help_text=gettext_lazy(
            "Ett per linje: hva | ansvarlig | frist (ÅÅÅÅ-MM-DD) | x når det er gjort."
        ),
    )

    text_rows = {"notes": 4}

    class Meta:
        model = m.Meeting
        fields = [
            "title", "held_on", "series", "body", "agenda", "attendees", "decisions", "actions",
            "notes",
        ]  # fmt: skip


class StatusReportForm(ServiceForm):
    text_rows = {"summary": 5}

    class Meta:
        model = m.StatusReport
        fields = ["kind", "date", "summary", "economy", "risks"]


# Templates and moving a plan --------------------------------------------------------------


def _template_choices() -> list[tuple[str, str]]:
    return [(b.key, f"{b.name} ({b.months} mnd.)") for b in BLUEPRINTS.values()]


class FromTemplateForm(forms.Form):
    """A new plan from a template (blueprint): its dates counted from the start."""

    template = forms.ChoiceField(label=gettext_lazy("Mal"), choices=_template_choices)
    title = forms.CharField(label=gettext_lazy("Tittel"), max_length=NAME_LIMIT)
    start = forms.DateField(label=gettext_lazy("Start"), widget=DateInput)

    def __init__(
        self, *args: Any, extra_choices: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if extra_choices:  # the municipality's network templates, after the built-in ones
            field = self.fields["template"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [*_template_choices(), *extra_choices]


class MoveStartForm(forms.Form):
    """A new start date for a plan; what has not happened yet moves with it."""

    start = forms.DateField(label=gettext_lazy("Ny startdato"), widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    stale = False  # someone else moved it first (409)
