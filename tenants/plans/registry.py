"""The parts of a plan, each declared once: the one list of what a plan consists of.

A declaration names the part's model, serializer, form, service rules, URL slugs,
Norwegian labels, date margins and row limit. The API views and routes (`api.py`,
`urls.py`), the access lookup (`access.get_part_for`), the pages (`views.py`,
`page_urls.py`), the history's types (`history.py`, `history_api.py`), the bounds
(`bounds.py`) and the services' `create_<part>` names all read this list, so adding a
part is one declaration here plus its model and migration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from networks.indicators import goals as goal_fields
from tenants.models import Municipality
from tenants.plans import forms, queries
from tenants.plans import models as m
from tenants.plans import serializers as s
from tenants.plans.bounds import Margin
from tenants.plans.models import NAME_LIMIT, TEXT_LIMIT
from tenants.plans.services import bodies, meetings, parts, reports
from tenants.plans.services.engine import Rules, names


@dataclass(frozen=True, eq=False, kw_only=True)  # compared and hashed by identity
class PlanPart:
    """One part of a plan and everything that is derived from it.

    `name`, `key` and `api_slug` follow from the model unless given: `DecisionPoint` is
    `decision_point`, its plan's related name `decision_points`, `/decision-points/`.
    """

    page_slug: str  # `/planer/{id}/<page_slug>/`, the path a person sees
    title: Promise  # the page's heading and menu entry
    singular: Promise
    add_label: Promise
    plural_definite: Promise  # how bounds messages name the rows ("Milepælene")
    rules: Rules
    form: type[forms.ServiceForm]
    rows: Callable[[m.Plan], Any]  # the rows the part's page lists
    row_limit: int  # rows per plan (bounds.row_limit_error)
    dates: Mapping[str, Margin] = field(
        default_factory=dict
    )  # field -> months allowed around the plan
    quick_form: type[forms.ServiceForm] | None = None  # the inline (htmx) row form
    prefetch: tuple[str, ...] = ()  # for the API and the lookups
    outline_select: tuple[str, ...] = ()  # what the document loader also joins
    # What the documents follow from each row (None: the API's `prefetch`).
    outline_prefetch: tuple[str, ...] | None = None
    documented: bool = True  # in the plan's documents (and so in its text limit)
    restorable: bool = True  # a deletion can be undone from the history
    creator: Callable[..., Any] = parts.create_part
    updater: Callable[..., Any] = parts.update_part
    deleter: Callable[..., Any] = parts.delete_part
    # The API's shape beyond what `rules` names: fields shown only, declared fields
    # (scales, nested rows), DRF's extra_kwargs (serializers.part_serializer).
    api_read_only: str = ""
    api_declared: Mapping[str, serializers.Field[Any, Any, Any, Any]] = field(default_factory=dict)
    api_extra_kwargs: Mapping[str, Any] = field(default_factory=dict)
    api_list_doc: str | None = None  # the API description, when the generic one is not enough
    api_detail_doc: str | None = None
    name: str = ""  # services (`create_milestone`) and API URL names (`plans:milestone-list`)
    key: str = ""  # the plan's related name: page URL names, `plans/parts/<key>.html`
    api_slug: str = ""  # `/api/plans/{id}/<api_slug>/`

    def __post_init__(self) -> None:
        model: type[models.Model] = self.rules.model  # every part has `plan`; Versioned not
        plan_link = model._meta.get_field("plan")
        assert isinstance(plan_link, models.ForeignKey)
        derived = {
            "name": re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower(),
            "key": str(plan_link.remote_field.related_name),
        }
        derived["api_slug"] = (self.key or derived["key"]).replace("_", "-")
        for attribute, value in derived.items():
            if not getattr(self, attribute):
                object.__setattr__(self, attribute, value)  # frozen: set once, here

    @cached_property
    def serializer(self) -> type[serializers.ModelSerializer[Any]]:
        return s.part_serializer(
            self.rules,
            read_only=self.api_read_only,
            extra_kwargs=dict(self.api_extra_kwargs),
            declared=self.api_declared,
        )

    @property
    def model(self) -> type[m.Versioned]:
        return self.rules.model

    @property
    def history_type(self) -> str:
        """`Change.object_type` of the part's rows (the model's name)."""
        return str(self.model._meta.model_name)

    @property
    def url_name(self) -> str:
        return self.name.replace("_", "-")

    @property
    def list_template(self) -> str:
        return f"plans/parts/{self.key}.html"

    @property
    def row_template(self) -> str:
        return f"plans/rows/{self.key}.html"

    def queryset(self) -> models.QuerySet[Any]:
        """The part's rows with what the API and the lookups read of each."""
        rows = self.model._default_manager.all()
        return rows.prefetch_related(*self.prefetch) if self.prefetch else rows

    def outline_queryset(self, plan: m.Plan) -> models.QuerySet[Any]:
        """The plan's rows as the document loader reads them (one query per part)."""
        prefetch = self.prefetch if self.outline_prefetch is None else self.outline_prefetch
        # Every part has `plan`; `Versioned`, the type the registry knows, does not.
        rows: models.QuerySet[Any] = self.model._default_manager.all()
        rows = rows.filter(plan=plan)
        if prefetch:
            rows = rows.prefetch_related(*prefetch)
        return rows.select_related(*self.outline_select) if self.outline_select else rows

    # The services, with the municipality and the acting user named explicitly.

    def create(self, tenant: Municipality, plan: m.Plan, user: Any, data: Mapping[str, Any]) -> Any:
        return self.creator(tenant, plan, user, self.rules, data)

    def update(
        self, tenant: Municipality, obj: Any, user: Any, data: Mapping[str, Any], *,
        version: int | None,
    ) -> Any:  # fmt: skip
        return self.updater(tenant, obj, user, self.rules, data, version=version)

    def delete(self, tenant: Municipality, obj: Any, user: Any) -> None:
        self.deleter(tenant, obj, user)


# In the order of the plan's menu. Date margins in months (docs/plan-limits.md); row limits
# per plan: a few hundred is generous, the seed plans have at most 14 goals, 13 milestones,
# 10 activities, 10 measures, 8 meeting series and 7 bodies.
PARTS: tuple[PlanPart, ...] = (
    PlanPart(
        page_slug="faser", title=_("Faser"), singular=_("Fase"), add_label=_("Ny fase"),
        plural_definite=_("Fasene"), form=forms.PhaseForm, rows=queries.phases_of, row_limit=20,
        rules=Rules(
            m.Phase, names("order name description start end is_current"), check=parts.check_phase,
            before_save=parts.one_current_phase,
        ),
        dates={"start": Margin(6, 12), "end": Margin(6, 12)},
    ),
    PlanPart(
        page_slug="maal", title=_("Mål"), singular=_("Mål"), add_label=_("Nytt mål"),
        plural_definite=_("Målene"), form=forms.GoalForm, rows=queries.goal_tree, row_limit=150,
        rules=Rules(
            m.Goal, names("level text due baseline target current unit period indicator"),
            relations={"parent": m.Goal}, check=parts.check_goal,
        ),
        dates={"due": Margin(6, 36)},
        deleter=parts.delete_goal,
        api_declared=goal_fields.declared(),  # the linked indicator, its latest value here
    ),
    PlanPart(
        page_slug="tiltak", title=_("Tiltak"), singular=_("Tiltak"), add_label=_("Nytt tiltak"),
        plural_definite=_("Tiltakene"), form=forms.MeasureForm, rows=queries.measures_of,
        row_limit=150,
        rules=Rules(m.Measure, names("text responsible"), many={"goals": m.Goal}),
        prefetch=("goals",),
    ),
    PlanPart(
        page_slug="milepaeler", title=_("Milepæler"), singular=_("Milepæl"),
        add_label=_("Ny milepæl"), plural_definite=_("Milepælene"), form=forms.MilestoneForm,
        quick_form=forms.MilestoneQuickForm, rows=queries.milestones_of, row_limit=200,
        rules=Rules(
            m.Milestone, names("code title due criterion status done_on evidence responsible"),
            check=parts.check_milestone,
        ),
        # A checkpoint of the project itself; reached any time after (up to the year window).
        dates={"due": Margin(0, 0), "done_on": Margin(12, None)},
    ),
    PlanPart(
        page_slug="beslutningspunkter", title=_("Beslutningspunkter"),
        singular=_("Beslutningspunkt"), add_label=_("Nytt beslutningspunkt"),
        plural_definite=_("Beslutningspunktene"), form=forms.DecisionPointForm,
        rows=queries.decision_points_of, row_limit=60,
        rules=Rules(
            m.DecisionPoint, names("code title due basis decision decided_on decided_by"),
            check=parts.check_decision_point,
        ),
        dates={"due": Margin(6, 12), "decided_on": Margin(12, None)},
    ),
    PlanPart(
        page_slug="hovedaktiviteter", title=_("Hovedaktiviteter"), singular=_("Hovedaktivitet"),
        add_label=_("Ny hovedaktivitet"), plural_definite=_("Hovedaktivitetene"),
        form=forms.ActivityForm, rows=queries.activities_of, row_limit=100,
        rules=Rules(
            m.Activity,
            names("code name purpose tasks result start_month end_month responsible status"),
            many={"milestones": m.Milestone}, check=parts.check_activity,
        ),
        dates={
            "start_month": Margin(6, 6, by_month=True), "end_month": Margin(6, 6, by_month=True),
        },
        prefetch=("milestones",),
    ),
    PlanPart(
        page_slug="risikoer", title=_("Risikoer"), singular=_("Risiko"), add_label=_("Ny risiko"),
        plural_definite=_("Risikoene"), form=forms.RiskForm, quick_form=forms.RiskQuickForm,
        rows=queries.risks_of, row_limit=100,
        rules=Rules(m.Risk, names("title likelihood consequence measure owner status")),
        api_read_only="score",
        api_declared={
            "likelihood": s.scale_field(_("Sannsynlighet")),
            "consequence": s.scale_field(_("Konsekvens")),
        },
    ),
    PlanPart(
        page_slug="suksessfaktorer", title=_("Kritiske suksessfaktorer"),
        singular=_("Kritisk suksessfaktor"), add_label=_("Ny suksessfaktor"),
        plural_definite=_("Suksessfaktorene"), form=forms.SuccessFactorForm,
        rows=queries.success_factors_of,
        row_limit=30,  # each with up to 30 sub-points (the model's array size)
        rules=Rules(
            m.SuccessFactor, names("priority text measure"), many={"risks": m.Risk},
            arrays={"sub_points": (500, 30)},
        ),
        prefetch=("risks",),
        outline_prefetch=(),  # the documents do not list a factor's risks
    ),
    PlanPart(
        page_slug="budsjett", title=_("Budsjett"), singular=_("Budsjettlinje"),
        add_label=_("Ny budsjettlinje"), plural_definite=_("Budsjettlinjene"),
        form=forms.BudgetLineForm, rows=queries.budget_lines_of, row_limit=150,
        rules=Rules(m.BudgetLine, names("kind label amount period settled")),
        api_extra_kwargs={
            "amount": {"error_messages": {"min_value": _("Beløpet kan ikke være negativt.")}}
        },
    ),
    PlanPart(
        page_slug="organisering", title=_("Organisering"), singular=_("Gruppe"),
        add_label=_("Ny gruppe"), plural_definite=_("Gruppene"), form=forms.BodyForm,
        rows=queries.bodies_of, row_limit=20,
        rules=Rules(m.Body, names("kind name mandate order")),
        prefetch=("members",),
        restorable=False,  # its members are rows of their own, not in one snapshot's row
        creator=bodies.create_body, updater=bodies.update_body, deleter=bodies.delete_body,
        api_list_doc=(
            "Bodies with their members; members are written with the body, in one transaction."
        ),
        api_declared={"members": s.BodyMemberSerializer(many=True, required=False)},
    ),
    PlanPart(
        page_slug="moteplan", title=_("Møteplan"), singular=_("Møteserie"),
        add_label=_("Ny møteserie"), plural_definite=_("Møteseriene"),
        form=forms.MeetingSeriesForm, rows=queries.meeting_series_of, row_limit=30,
        outline_select=("body",),
        rules=Rules(
            m.MeetingSeries, names("name frequency agenda participants"),
            relations={"body": m.Body},
        ),
    ),
    PlanPart(
        page_slug="moter", title=_("Møter og referater"), singular=_("Møte"),
        add_label=_("Nytt møte"), plural_definite=_("Møtene"), form=forms.MeetingForm,
        rows=queries.meetings_of,
        row_limit=300,  # minutes are not in the plan documents; weekly for six years
        rules=Rules(
            m.Meeting, names("title held_on agenda notes"),
            relations={"series": m.MeetingSeries, "body": m.Body},
            cleaners={"actions": meetings.clean_actions},
            arrays={"attendees": (NAME_LIMIT, 100), "decisions": (TEXT_LIMIT, 100)},
            check=meetings.check_meeting,
        ),
        dates={"held_on": Margin(12, 12)},
        documented=False,
        api_declared={"actions": s.ActionSerializer(many=True, required=False)},
    ),
    PlanPart(
        page_slug="rapporter", title=_("Statusrapporter"), singular=_("Statusrapport"),
        add_label=_("Nytt rapportutkast"), plural_definite=_("Statusrapportene"),
        form=forms.StatusReportForm, rows=queries.status_reports_of, row_limit=100,
        rules=Rules(
            m.StatusReport, names("kind date summary economy risks"), check=reports.check_report,
        ),
        dates={"date": Margin(6, 24)},
        documented=False,  # a document of its own, from its frozen snapshot
        deleter=reports.delete_status_report,
        api_detail_doc="A report; once submitted it can neither change nor be deleted.",
        api_read_only="snapshot submitted_at submitted_by",
    ),
)  # fmt: skip

# Lookups and the tables derived from the list -------------------------------------------

PARTS_BY_NAME: Mapping[str, PlanPart] = {part.name: part for part in PARTS}
PARTS_BY_KEY: Mapping[str, PlanPart] = {part.key: part for part in PARTS}
PARTS_BY_TYPE: Mapping[str, PlanPart] = {part.history_type: part for part in PARTS}
PARTS_BY_MODEL: Mapping[type[models.Model], PlanPart] = {part.model: part for part in PARTS}

# The bounds' tables (`bounds.DATE_BOUNDS`, `bounds.ROW_LIMITS` read these dicts).
DATE_BOUNDS: dict[type[models.Model], Mapping[str, Margin]] = {
    part.model: part.dates for part in PARTS if part.dates
}
ROW_LIMITS: dict[type[models.Model], int] = {part.model: part.row_limit for part in PARTS}

SERVICE_VERBS = ("create", "update", "delete")


def part_named(name: str) -> PlanPart:
    """The part by its name (`milestone`), its key (`milestones`) or its history type."""
    found = PARTS_BY_NAME.get(name) or PARTS_BY_KEY.get(name) or PARTS_BY_TYPE.get(name)
    if found is None:
        raise LookupError(f"No plan part is named {name!r}")
    return found


def part_of_type(history_type: str) -> PlanPart:
    return PARTS_BY_TYPE[history_type]


def part_service(name: str) -> Callable[..., Any] | None:
    """`create_milestone` → the milestone part's `create`; None for any other name."""
    verb, _sep, part_name = name.partition("_")
    part = PARTS_BY_NAME.get(part_name)
    if verb not in SERVICE_VERBS or part is None:
        return None
    service: Callable[..., Any] = getattr(part, verb)
    return service


def restorable_types() -> frozenset[str]:
    return frozenset(part.history_type for part in PARTS if part.restorable)


def documented_parts() -> tuple[PlanPart, ...]:
    """The parts a plan's documents show, in the outline's loading order."""
    return tuple(part for part in PARTS if part.documented)
