"""The network plan templates API on the public host: thin views over `access` and `services`.

`/api/networks/{id}/plan-templates/` (list; POST creates, coordinators and operators),
`/api/plan-templates/` (every template the user sees), `/api/plan-templates/{id}/` (GET,
PATCH naming `version`: 409 when someone saved first), `…/publish/` (freezes the working
copy as the next version) and `…/versions/` (the published versions, newest first).
Members' users see published templates only; another network's template is 404.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from networks import access as network_access
from networks.plantemplates import access, services
from networks.plantemplates.models import PlanTemplate, PlanTemplateVersion
from samla.accounts.access import acting_user
from samla.api.schema import SamlaAutoSchema

TAG = "plan-templates"
CONTENT_HELP = _(
    "Malens innhold i samme form som de innebygde malene: months, phases, goals, "
    "milestones, decision_points, activities, bodies (datoer som [måneder] eller "
    "[måneder, dager] fra planens start)"
)


class PlanTemplateSerializer(serializers.ModelSerializer[PlanTemplate]):
    network = serializers.IntegerField(source="network_id", read_only=True)
    network_name = serializers.CharField(source="network.name", read_only=True)
    content = serializers.JSONField(help_text=CONTENT_HELP)

    class Meta:
        model = PlanTemplate
        fields = [
            "id",
            "network",
            "network_name",
            "title",
            "description",
            "content",
            "version",
            "published_version",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "published_version", "updated_at"]


class PlanTemplateCreateSerializer(serializers.Serializer[dict[str, Any]]):
    # Lengths and content are checked by the service, in Norwegian, with the rest.
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    content = serializers.JSONField(help_text=CONTENT_HELP)


class PlanTemplateUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    content = serializers.JSONField(required=False, help_text=CONTENT_HELP)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class PlanTemplatePublishSerializer(serializers.Serializer[dict[str, Any]]):
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text=_("Versjonen av utkastet du publiserer")
    )


class PlanTemplateVersionSerializer(serializers.ModelSerializer[PlanTemplateVersion]):
    published_by = serializers.SerializerMethodField()

    class Meta:
        model = PlanTemplateVersion
        fields = ["number", "title", "description", "content", "published_at", "published_by"]
        read_only_fields = fields

    def get_published_by(self, version: PlanTemplateVersion) -> str | None:
        user = version.published_by
        return None if user is None else str(user.get_full_name() or user.get_username())


class TemplatesView(GenericAPIView[PlanTemplate]):
    serializer_class = PlanTemplateSerializer
    filter_backends = []
    creates: ClassVar[bool] = False
    conflict_methods: ClassVar[frozenset[str]] = frozenset()

    def conflict(self, exc: services.StaleTemplate) -> Response:
        return Response(
            {
                "detail": str(_("Noen andre har endret malen siden du hentet den.")),
                "current": PlanTemplateSerializer(exc.current).data,
            },
            status=status.HTTP_409_CONFLICT,
        )


class ListSchema(SamlaAutoSchema):
    def _is_list_view(self, serializer: Any = None) -> bool:
        return self.method == "GET"


@extend_schema(tags=[TAG])
class NetworkTemplateList(TemplatesView):
    """The network's plan templates (drafts too, for its coordinators); POST makes a draft."""

    creates = True
    schema = ListSchema()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.network = network_access.get_network_for(acting_user(request), kwargs["network_id"])

    @extend_schema(
        summary="Nettverkets planmaler", responses={200: PlanTemplateSerializer(many=True)}
    )
    def get(self, request: Request, network_id: int) -> Response:
        templates = access.templates_for(acting_user(request), self.network).select_related(
            "network"
        )
        page = self.paginate_queryset(templates)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Ny planmal (utkast; koordinatorer og driftsoperatører)",
        request=PlanTemplateCreateSerializer,
        responses={201: PlanTemplateSerializer},
    )
    def post(self, request: Request, network_id: int) -> Response:
        access.require_manager(acting_user(request), self.network)
        given = PlanTemplateCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        template = services.create_template(
            acting_user(request), self.network, given.validated_data
        )
        return Response(self.get_serializer(template).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class TemplateList(TemplatesView):
    """Every plan template the user sees, in every network they see."""

    schema = ListSchema()

    @extend_schema(summary="Planmalene du ser", responses={200: PlanTemplateSerializer(many=True)})
    def get(self, request: Request) -> Response:
        templates = access.all_templates_for(acting_user(request))
        page = self.paginate_queryset(templates.order_by("network__name", "title", "id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TemplateScoped(TemplatesView):
    template: PlanTemplate

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.template = access.get_template_for(acting_user(request), kwargs["pk"])

    def get_object(self) -> PlanTemplate:
        return self.template


@extend_schema(tags=[TAG])
class TemplateDetail(TemplateScoped):
    conflict_methods = frozenset({"PATCH"})

    @extend_schema(summary="Én planmal (arbeidskopien)", responses={200: PlanTemplateSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.template).data)

    @extend_schema(
        summary="Endre arbeidskopien (publiseres med …/publish/)",
        request=PlanTemplateUpdateSerializer,
        responses={200: PlanTemplateSerializer},
    )
    def patch(self, request: Request, pk: int) -> Response:
        access.require_manager(acting_user(request), self.template.network)
        given = PlanTemplateUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        version = data.pop("version")
        try:
            template = services.update_template(
                acting_user(request), self.template, data, version=version
            )
        except services.StaleTemplate as exc:
            return self.conflict(exc)
        return Response(self.get_serializer(template).data)


@extend_schema(tags=[TAG])
class TemplatePublish(TemplateScoped):
    conflict_methods = frozenset({"POST"})

    @extend_schema(
        summary="Publiser arbeidskopien som neste versjon",
        request=PlanTemplatePublishSerializer,
        responses={200: PlanTemplateSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        access.require_manager(acting_user(request), self.template.network)
        given = PlanTemplatePublishSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            template = services.publish_template(
                acting_user(request), self.template, version=given.validated_data["version"]
            )
        except services.StaleTemplate as exc:
            return self.conflict(exc)
        return Response(self.get_serializer(template).data)


@extend_schema(tags=[TAG])
class TemplateVersions(TemplateScoped):
    serializer_class = PlanTemplateVersionSerializer  # type: ignore[assignment]
    schema = ListSchema()

    @extend_schema(
        summary="Malens publiserte versjoner, nyeste først",
        responses={200: PlanTemplateVersionSerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        versions = self.template.versions.select_related("published_by").order_by("-number")
        # The page is of versions, not of this view's templates.
        page = self.paginate_queryset(cast(Any, versions))
        return self.get_paginated_response(PlanTemplateVersionSerializer(page, many=True).data)
