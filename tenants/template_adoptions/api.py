"""Network templates on a municipality's host: read them, start a plan, take their changes.

`GET /api/network-plan-templates/` (and `{id}/`): the published templates of the networks
the municipality belongs to. `POST /api/network-plan-templates/{id}/start/`: a new draft
plan from one (the leader). `GET /api/plans/{id}/template-changes/`: which template and version
the plan came from and what the network has changed since that the municipality has not
taken (`template` is null for a plan not made from a network template);
`POST …/template-changes/take/` applies the chosen changes by key (the leader; 409 when
the network has published again since the list was read).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from networks.plantemplates import access as template_access
from networks.plantemplates.api import PlanTemplateVersionSerializer
from networks.plantemplates.content import KIND_LABELS, PARTS, Change
from networks.plantemplates.models import PlanTemplate
from samla.accounts.access import acting_user, tenant_of
from samla.accounts.models import MunicipalityRole
from tenants.plans import serializers as plan_serializers
from tenants.plans.api import ListSchema, PlanScoped, PlansView
from tenants.plans.models import NAME_LIMIT, Plan
from tenants.template_adoptions import services
from tenants.template_adoptions.models import Adoption

TAG = "network-plan-templates"
LEADER = frozenset({MunicipalityRole.LEADER})


class NetworkPlanTemplateSerializer(serializers.ModelSerializer[PlanTemplate]):
    network = serializers.IntegerField(source="network_id", read_only=True)
    network_name = serializers.CharField(source="network.name", read_only=True)
    version = serializers.IntegerField(source="published_version", read_only=True)
    content = serializers.SerializerMethodField()

    class Meta:
        model = PlanTemplate
        fields = ["id", "network", "network_name", "title", "description", "version", "content"]
        read_only_fields = fields

    def get_content(self, template: PlanTemplate) -> dict[str, Any]:
        """The published version's content (not the coordinators' working copy)."""
        # The versions are prefetched by the access lookups: no query per row.
        versions = list(template.versions.all())
        latest = max(versions, key=lambda v: v.number, default=None)
        return dict(latest.content) if latest is not None else {}


class PlanFromNetworkTemplateSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=NAME_LIMIT)
    # Dates are read by the service, which answers in Norwegian for any bad value.
    start = serializers.CharField(max_length=30)
    end = serializers.CharField(max_length=30, required=False, allow_blank=True)


class TemplateChangeSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text=_("Stabil nøkkel, f.eks. milestone:MP3"))
    part = serializers.ChoiceField(choices=list(PARTS))
    part_label = serializers.CharField()
    kind = serializers.ChoiceField(choices=list(KIND_LABELS))
    kind_label = serializers.CharField()
    # A declared field; DRF's metaclass takes it off the class, so Field.label is untouched.
    label = serializers.CharField()  # type: ignore[assignment]
    changed_fields = serializers.ListField(
        child=serializers.CharField(), help_text=_("Feltene malen endret (for «changed»)")
    )
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class TemplateTakenSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    kind = serializers.CharField()
    version = serializers.IntegerField()
    at = serializers.CharField()
    by = serializers.CharField()


class TemplateChangesSerializer(serializers.Serializer[Any]):
    template = serializers.IntegerField(
        allow_null=True, help_text=_("Malen planen ble laget fra; null for andre planer")
    )
    template_title = serializers.CharField(allow_null=True)
    network = serializers.IntegerField(allow_null=True)
    started_version = serializers.IntegerField(allow_null=True)
    reviewed_version = serializers.IntegerField(allow_null=True)
    latest_version = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(
        allow_null=True, help_text=_("Send som template_version når du tar inn endringer")
    )
    changes = TemplateChangeSerializer(many=True)
    taken = TemplateTakenSerializer(many=True)


class TemplateTakeSerializer(serializers.Serializer[dict[str, Any]]):
    keys = serializers.ListField(
        child=serializers.CharField(max_length=300), max_length=500, allow_empty=True
    )
    template_version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text=_("Malens versjon listen ble lest fra")
    )


def change_json(change: Change) -> dict[str, Any]:
    return {
        "key": change.key,
        "part": change.part,
        "part_label": str(PARTS[change.part]),
        "kind": change.kind,
        "kind_label": str(KIND_LABELS[change.kind]),
        "label": change.label,
        "changed_fields": change.changed_fields,
        "before": change.before,
        "after": change.after,
    }


def changes_json(adoption: Adoption | None) -> dict[str, Any]:
    if adoption is None:
        empty: dict[str, Any] = dict.fromkeys(
            ["template", "template_title", "network", "started_version", "reviewed_version"]
        )
        return {**empty, "latest_version": None, "version": None, "changes": [], "taken": []}
    latest, pending = services.pending_changes(adoption)
    return {
        "template": adoption.template_id,
        "template_title": adoption.template_title,
        "network": adoption.network_id,
        "started_version": adoption.started_version,
        "reviewed_version": adoption.reviewed_version,
        "latest_version": latest,
        "version": latest,
        "changes": [change_json(c) for c in pending],
        "taken": adoption.taken,
    }


@extend_schema(tags=[TAG])
class NetworkTemplateList(PlansView[PlanTemplate]):
    """Published templates of the networks the municipality belongs to."""

    serializer_class = NetworkPlanTemplateSerializer
    schema = ListSchema()

    @extend_schema(
        summary="Nettverkenes planmaler", responses=NetworkPlanTemplateSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        return self.list_response(template_access.published_for_municipality(tenant_of(request)))


@extend_schema(tags=[TAG])
class NetworkTemplateDetail(PlansView[PlanTemplate]):
    serializer_class = NetworkPlanTemplateSerializer

    @extend_schema(summary="Én av nettverkenes planmaler")
    def get(self, request: Request, pk: int) -> Response:
        template = template_access.get_published_for_municipality(tenant_of(request), pk)
        return Response(self.get_serializer(template).data)


@extend_schema(tags=[TAG])
class NetworkTemplateVersions(PlansView[PlanTemplate]):
    serializer_class = PlanTemplateVersionSerializer  # type: ignore[assignment]
    schema = ListSchema()

    @extend_schema(
        summary="Malens publiserte versjoner, nyeste først",
        responses=PlanTemplateVersionSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        template = template_access.get_published_for_municipality(tenant_of(request), pk)
        return self.list_response(
            template.versions.select_related("published_by").order_by("-number")
        )


@extend_schema(tags=[TAG])
class PlanFromNetworkTemplate(PlansView[Plan]):
    """A new draft plan from a network's template (the leader), recorded as taken from it."""

    queryset = Plan.objects.all()
    serializer_class = plan_serializers.PlanSerializer
    write_roles = LEADER
    creates = True

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Before method dispatch: a template not the municipality's is 404 whatever the method.
        template_access.get_published_for_municipality(tenant_of(request), kwargs["pk"])

    @extend_schema(
        summary="Ny plan fra nettverkets mal",
        request=PlanFromNetworkTemplateSerializer,
        responses=plan_serializers.PlanSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        given = PlanFromNetworkTemplateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        plan = services.start_plan_from_network_template(
            tenant_of(request), acting_user(request), pk, given.validated_data
        )
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class PlanTemplateChanges(PlanScoped[Any]):
    serializer_class = TemplateChangesSerializer
    pagination_class = None

    @extend_schema(summary="Endringer i nettverksmalen planen kom fra")
    def get(self, request: Request, plan_id: int) -> Response:
        adoption = Adoption.objects.filter(plan=self.plan).first()
        return Response(TemplateChangesSerializer(changes_json(adoption)).data)


@extend_schema(tags=[TAG])
class PlanTemplateTake(PlanScoped[Any]):
    serializer_class = TemplateChangesSerializer
    pagination_class = None
    write_roles = LEADER
    conflict_methods = frozenset({"POST"})

    @extend_schema(
        summary="Ta inn valgte endringer fra nettverksmalen (lederen)",
        request=TemplateTakeSerializer,
        responses=TemplateChangesSerializer,
    )
    def post(self, request: Request, plan_id: int) -> Response:
        given = TemplateTakeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            adoption = services.take_changes(
                tenant_of(request),
                self.plan,
                acting_user(request),
                given.validated_data["keys"],
                template_version=given.validated_data["template_version"],
            )
        except services.StaleAdoption as exc:
            return Response(
                {
                    "detail": str(
                        _("Nettverket har publisert malen på nytt. Se gjennom endringene igjen.")
                    ),
                    "current": TemplateChangesSerializer(changes_json(exc.current)).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(TemplateChangesSerializer(changes_json(adoption)).data)
