"""The gatherings API (public host): thin views over `access`, `services` and `results`.

`/api/networks/{id}/gatherings/` (list; create: coordinators, operators) and
`…/gatherings.ics`; `/api/gatherings/{id}/` (read; PATCH with `version`, DELETE:
coordinators), its `registrations/` (DELETE withdraws the municipality's before the
start), `tasks/`, `evaluation/` and `evaluation/export.xlsx`;
`/api/tasks/{id}/answers/` (`?since=` for polling) and `/api/tasks/{id}/close/`.

A logged-in member answers and registers here, on the public host, naming the
municipality (`municipality`, one of theirs that is in the network; it may be left out
when they have only one). Anonymous answers go through the join page (`/svar/`), not the
API.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Count
from django.http import HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from networks.api import ManagersOnlySchema, NetworkScoped
from networks.gatherings import access, exports, results, services
from networks.gatherings.kinds import TEXT_MAX, TaskKind, kind_of
from networks.gatherings.models import (
    Answer,
    Gathering,
    GroupTask,
    Participant,
    QuestionKind,
    Registration,
)
from samla.accounts.access import acting_user
from samla.api.downloads import attachment, renderer_for
from samla.api.throttling import ExportThrottle

TAG = "gatherings"
BIGINT = 2**63 - 1


# Fields -----------------------------------------------------------------------------------


class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time; one that cannot be converted to the server's zone is invalid."""

    def to_internal_value(self, value: Any) -> datetime.datetime:
        try:
            parsed: datetime.datetime = super().to_internal_value(value)
        except (OverflowError, ValueError):
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM|-HH:MM|Z]")
        return parsed


class MunicipalityRef(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


# Gatherings -------------------------------------------------------------------------------


class GatheringSerializer(serializers.ModelSerializer[Gathering]):
    # A string, not `format: uri`: empty when the gathering has no programme link yet.
    programme_url = serializers.CharField(
        read_only=True, help_text=gettext_lazy("Lenke til programmet; tom når det mangler")
    )
    seats_taken = serializers.SerializerMethodField()
    evaluation_code = serializers.SerializerMethodField(
        help_text=gettext_lazy("Koden til den anonyme evalueringen (bare for koordinatorer)")
    )

    class Meta:
        model = Gathering
        fields = [
            "id",
            "network",
            "title",
            "starts_at",
            "ends_at",
            "all_day",
            "place",
            "programme_url",
            "capacity",
            "seats_taken",
            "evaluation_open",
            "evaluation_code",
            "version",
        ]
        read_only_fields = fields

    def get_seats_taken(self, gathering: Gathering) -> int:
        seats: dict[int, int] | None = self.context.get("seats")
        if seats is not None:
            return seats.get(gathering.pk, 0)
        return services.seats_taken(gathering)

    def get_evaluation_code(self, gathering: Gathering) -> str | None:
        managed: bool = self.context.get("manages", False)
        return gathering.evaluation_code if managed else None


class GatheringWriteSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=200)
    starts_at = BoundedDateTimeField()
    ends_at = BoundedDateTimeField()
    all_day = serializers.BooleanField(required=False, default=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    programme_url = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    capacity = serializers.IntegerField(
        min_value=1, max_value=100_000, required=False, allow_null=True, default=None
    )
    evaluation_open = serializers.BooleanField(required=False, default=False)


class GatheringUpdateSerializer(GatheringWriteSerializer):
    version = serializers.IntegerField(min_value=1, max_value=BIGINT)


def conflict(detail: str, current: Mapping[str, Any]) -> Response:
    return Response({"detail": detail, "current": current}, status=status.HTTP_409_CONFLICT)


@extend_schema(tags=[TAG])
class GatheringList(NetworkScoped[Gathering]):
    """The network's gatherings; creating one (coordinators and operators)."""

    serializer_class = GatheringSerializer
    creates = True

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["manages"] = access.can_manage(acting_user(self.request), self.network)
        return context

    @extend_schema(summary="Nettverkets samlinger", responses={200: GatheringSerializer(many=True)})
    def get(self, request: Request, network_id: int) -> Response:
        rows = Gathering.objects.filter(network=self.network).order_by("starts_at", "id")
        page = list(self.paginate_queryset(rows) or [])
        context = {**self.get_serializer_context(), "seats": _seats([g.pk for g in page])}
        data = GatheringSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Ny samling",
        request=GatheringWriteSerializer,
        responses={201: GatheringSerializer},
    )
    def post(self, request: Request, network_id: int) -> Response:
        given = GatheringWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        gathering = services.create_gathering(
            acting_user(request), self.network, dict(given.validated_data)
        )
        return Response(self.get_serializer(gathering).data, status=status.HTTP_201_CREATED)


def _seats(gathering_ids: list[int]) -> dict[int, int]:
    rows = (
        Participant.objects.filter(registration__gathering_id__in=gathering_ids)
        .values("registration__gathering_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["registration__gathering_id"]: row["n"] for row in rows}


class GatheringScoped(GenericAPIView[Any]):
    """A view under `/api/gatherings/{gathering_id}/`: the gathering is resolved first."""

    gathering: Gathering
    manages: bool

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        user = acting_user(request)
        self.gathering = access.get_gathering_for(user, kwargs["gathering_id"])
        self.manages = access.can_manage(user, self.gathering.network)

    def get_object(self) -> Gathering:
        """The resolved gathering (DRF's OPTIONS asks for it; these URLs name no `pk`)."""
        return self.gathering

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["manages"] = getattr(self, "manages", False)
        return context


@extend_schema(tags=[TAG])
class GatheringDetail(GatheringScoped):
    serializer_class = GatheringSerializer
    conflict_methods = ("PATCH",)

    @extend_schema(summary="Én samling", responses={200: GatheringSerializer})
    def get(self, request: Request, gathering_id: int) -> Response:
        return Response(self.get_serializer(self.gathering).data)

    @extend_schema(
        summary="Endre samlingen",
        request=GatheringUpdateSerializer(partial=True),
        responses={200: GatheringSerializer},
    )
    def patch(self, request: Request, gathering_id: int) -> Response:
        given = GatheringUpdateSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        version = data.pop("version", None)
        try:
            gathering = services.update_gathering(
                acting_user(request), self.gathering, data, version
            )
        except services.StaleVersion as exc:
            return conflict(services.stale_message(), self.get_serializer(exc.current).data)
        return Response(self.get_serializer(gathering).data)

    @extend_schema(summary="Slett samlingen", responses={204: None})
    def delete(self, request: Request, gathering_id: int) -> Response:
        services.delete_gathering(acting_user(request), self.gathering)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Registrations ----------------------------------------------------------------------------


class ParticipantSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RegistrationSerializer(serializers.ModelSerializer[Registration]):
    municipality = MunicipalityRef(read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "municipality", "participants", "updated_at"]
        read_only_fields = fields


class RegistrationWriteSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Kommunen du melder på (kan utelates når du bare har én)"),
    )
    participants = serializers.ListField(
        child=ParticipantSerializer(), max_length=services.MAX_PARTICIPANTS
    )


class RegistrationCancelSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.IntegerField(min_value=1, max_value=BIGINT, required=False)


CANCEL_MUNICIPALITY = OpenApiParameter(
    "municipality",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description=gettext_lazy("Kommunen som trekker påmeldingen (kan utelates når du bare har én)"),
)


@extend_schema(tags=[TAG])
class RegistrationList(GatheringScoped):
    """All registrations (coordinators) or your municipality's; registering (or replacing
    your municipality's list of participants); withdrawing it before the gathering starts."""

    serializer_class = RegistrationSerializer

    @extend_schema(summary="Påmeldinger", responses={200: RegistrationSerializer(many=True)})
    def get(self, request: Request, gathering_id: int) -> Response:
        rows = access.registrations_for(acting_user(request), self.gathering).order_by(
            "municipality__name", "id"
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Meld på kommunen",
        request=RegistrationWriteSerializer,
        responses={
            201: OpenApiResponse(RegistrationSerializer, description=_("Ny påmelding")),
            200: OpenApiResponse(RegistrationSerializer, description=_("Påmeldingen er endret")),
        },
    )
    def post(self, request: Request, gathering_id: int) -> Response:
        given = RegistrationWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        registration, created = services.register(
            acting_user(request),
            self.gathering,
            given.validated_data.get("municipality"),
            [dict(p) for p in given.validated_data["participants"]],
        )
        registration = (
            Registration.objects.select_related("municipality")
            .prefetch_related("participants")
            .get(pk=registration.pk)
        )
        return Response(
            self.get_serializer(registration).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Trekk kommunens påmelding",
        description=gettext_lazy(
            "Fjerner kommunens påmelding med deltakerne, før samlingen starter (400 etter "
            "start, eller når kommunen ikke er påmeldt)."
        ),
        parameters=[CANCEL_MUNICIPALITY],
        responses={204: None},
    )
    def delete(self, request: Request, gathering_id: int) -> Response:
        given = RegistrationCancelSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        services.cancel_registration(
            acting_user(request), self.gathering, given.validated_data.get("municipality")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# Tasks and answers ------------------------------------------------------------------------


class AnswerFieldSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(read_only=True)
    # A declared field named like Field.label: DRF's metaclass takes it out of the class.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    scale = serializers.BooleanField(read_only=True)


class TaskSerializer(serializers.ModelSerializer[GroupTask]):
    is_open = serializers.BooleanField(read_only=True)
    answer_fields = serializers.SerializerMethodField(
        help_text=gettext_lazy("Feltene et svar på oppgaven har")
    )

    class Meta:
        model = GroupTask
        fields = [
            "id",
            "gathering",
            "order",
            "title",
            "kind",
            "prompt",
            "is_open",
            "closed_at",
            "answer_fields",
        ]
        read_only_fields = fields

    @extend_schema_field(AnswerFieldSerializer(many=True))
    def get_answer_fields(self, task: GroupTask) -> list[dict[str, Any]]:
        return [
            {"key": f.key, "label": str(f.label), "scale": f.scale}
            for f in kind_of(task.kind).fields
        ]


class TaskWriteSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(
        choices=TaskKind.choices,
        help_text=gettext_lazy("grid: analysekrysset; text: fritekst; scale: 1–5"),
    )
    prompt = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default=""
    )
    order = serializers.IntegerField(min_value=1, max_value=1000, required=False)


@extend_schema(tags=[TAG])
class TaskList(GatheringScoped):
    """The gathering's group tasks; adding one (coordinators and operators)."""

    serializer_class = TaskSerializer
    creates = True

    @extend_schema(summary="Gruppeoppgaver", responses={200: TaskSerializer(many=True)})
    def get(self, request: Request, gathering_id: int) -> Response:
        page = self.paginate_queryset(results.live_tasks(self.gathering))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Ny gruppeoppgave", request=TaskWriteSerializer, responses={201: TaskSerializer}
    )
    def post(self, request: Request, gathering_id: int) -> Response:
        given = TaskWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        task = services.create_task(
            acting_user(request), self.gathering, dict(given.validated_data)
        )
        return Response(self.get_serializer(task).data, status=status.HTTP_201_CREATED)


class TaskScoped(GenericAPIView[Any]):
    task: GroupTask

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.task = access.get_task_for(acting_user(request), kwargs["task_id"])


class AnswerSerializer(serializers.ModelSerializer[Answer]):
    municipality = MunicipalityRef(read_only=True)
    answer = serializers.JSONField(source="content", read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "task", "municipality", "answer", "via_code", "updated_at"]
        read_only_fields = fields


class AnswerWriteSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = serializers.IntegerField(
        min_value=1,
        max_value=BIGINT,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Kommunen du svarer for (kan utelates når du bare har én)"),
    )
    answer = serializers.JSONField(
        help_text=gettext_lazy('Feltene oppgaven har (`answer_fields`), f.eks. {"value": 4}')
    )


SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    OpenApiParameter.QUERY,
    required=False,
    description=gettext_lazy("Bare svar som er endret etter dette tidspunktet (for polling)"),
)


@extend_schema(tags=[TAG])
class AnswerList(TaskScoped):
    """The task's answers (all for coordinators and in open comparison, else your
    municipality's); answering for your municipality (replaces its earlier answer)."""

    serializer_class = AnswerSerializer
    conflict_methods = ("POST",)

    @extend_schema(
        summary="Svar på oppgaven",
        parameters=[SINCE],
        responses={200: AnswerSerializer(many=True)},
    )
    def get(self, request: Request, task_id: int) -> Response:
        rows = access.answers_for(acting_user(request), self.task)
        since = request.query_params.get("since")
        if since:
            moment = _parse_since(since)
            rows = rows.filter(updated_at__gt=moment)
        page = self.paginate_queryset(rows.order_by("municipality__name", "id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Svar for kommunen",
        request=AnswerWriteSerializer,
        responses={
            201: OpenApiResponse(AnswerSerializer, description=_("Nytt svar")),
            200: OpenApiResponse(AnswerSerializer, description=_("Svaret er endret")),
            409: OpenApiResponse(
                {"$ref": "#/components/schemas/Conflict"},
                description=_("Oppgaven er lukket; svaret kan ikke endres."),
            ),
        },
    )
    def post(self, request: Request, task_id: int) -> Response:
        given = AnswerWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            answer, created = services.submit_answer(
                acting_user(request),
                self.task,
                given.validated_data.get("municipality"),
                given.validated_data["answer"],
            )
        except services.TaskClosed as exc:
            return conflict(services.closed_message(), TaskSerializer(exc.task).data)
        return Response(
            self.get_serializer(answer).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _parse_since(value: str) -> datetime.datetime:
    # PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows: compare in UTC.
    try:
        moment = parse_datetime(value)
        if moment is not None and moment.tzinfo is not None:
            moment = moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise DrfValidationError(
            {
                "since": [
                    _("Oppgi tidspunktet som ISO 8601 med tidssone, f.eks. 2026-04-24T10:00:00Z.")
                ]
            }
        )
    return moment


@extend_schema(tags=[TAG])
class TaskClose(TaskScoped):
    """Close the task: answers are final (coordinators and operators)."""

    serializer_class = TaskSerializer

    @extend_schema(summary="Lukk oppgaven", request=None, responses={200: TaskSerializer})
    def post(self, request: Request, task_id: int) -> Response:
        task = services.close_task(acting_user(request), self.task)
        return Response(self.get_serializer(task).data)


# Evaluation -------------------------------------------------------------------------------


class QuestionSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)


class QuestionResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="question.pk")
    text = serializers.CharField(source="question.text")
    kind = serializers.CharField(source="question.kind")
    count = serializers.IntegerField()
    mean = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    distribution = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=gettext_lazy("Verdi (1–5) → antall svar; tom for fritekst"),
    )
    texts = serializers.ListField(child=serializers.CharField())


class EvaluationSerializer(serializers.Serializer[Any]):
    open = serializers.BooleanField()
    code = serializers.CharField()
    submissions = serializers.IntegerField()
    questions = QuestionResultSerializer(many=True)


class EvaluationWriteSerializer(serializers.Serializer[dict[str, Any]]):
    open = serializers.BooleanField()
    questions = serializers.ListField(
        child=QuestionSerializer(), required=False, max_length=services.MAX_QUESTIONS
    )


@extend_schema(tags=[TAG])
class EvaluationDetail(GatheringScoped):
    """The evaluation's questions and results (coordinators and operators); setting the
    questions and opening or closing it."""

    serializer_class = EvaluationSerializer
    schema = ManagersOnlySchema()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        access.require_manager(acting_user(request), self.gathering.network)

    def _body(self, gathering: Gathering) -> dict[str, Any]:
        found = results.evaluation_results(gathering)
        return {
            "open": gathering.evaluation_open,
            "code": gathering.evaluation_code,
            "submissions": found.submissions,
            "questions": [
                {
                    "question": r.question,
                    "count": r.count,
                    "mean": r.mean,
                    "distribution": {str(k): v for k, v in r.distribution.items()}
                    if r.is_scale
                    else {},
                    "texts": r.texts,
                }
                for r in found.questions
            ],
        }

    @extend_schema(summary="Evalueringen og resultatene", responses={200: EvaluationSerializer})
    def get(self, request: Request, gathering_id: int) -> Response:
        return Response(EvaluationSerializer(self._body(self.gathering)).data)

    @extend_schema(
        summary="Sett spørsmålene, åpne eller lukk evalueringen",
        request=EvaluationWriteSerializer,
        responses={200: EvaluationSerializer},
    )
    def put(self, request: Request, gathering_id: int) -> Response:
        given = EvaluationWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        questions = given.validated_data.get("questions")
        gathering = services.set_evaluation(
            acting_user(request),
            self.gathering,
            given.validated_data["open"],
            [dict(q) for q in questions] if questions is not None else None,
        )
        return Response(EvaluationSerializer(self._body(gathering)).data)


# Documents --------------------------------------------------------------------------------


CalendarRenderer = renderer_for(exports.ICS_TYPE, "ics")
XlsxRenderer = renderer_for(exports.XLSX_TYPE, "xlsx")


def _document_schema(content_type: str, summary: str) -> Any:
    return extend_schema(
        summary=summary,
        request=None,
        responses={
            (200, content_type.split(";")[0]): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("Dokumentet som vedlegg.")
            )
        },
    )


@extend_schema(tags=[TAG])
class NetworkCalendar(NetworkScoped[Any]):
    """The network's gatherings as an iCalendar file (for a calendar subscription)."""

    serializer_class = serializers.Serializer
    throttle_classes = [ExportThrottle]

    def get_renderers(self) -> list[BaseRenderer]:
        return [JSONRenderer(), CalendarRenderer()]

    @_document_schema(exports.ICS_TYPE, "Samlingene som kalender")
    def get(self, request: Request, network_id: int) -> HttpResponse:
        gatherings = Gathering.objects.filter(network=self.network).order_by("starts_at", "id")
        content = exports.render_ics(self.network, gatherings)
        return attachment(content, exports.ICS_TYPE, self.network.name, "ics", "samling")


@extend_schema(tags=[TAG])
class EvaluationExport(GatheringScoped):
    """The evaluation's results as an Excel workbook (coordinators and operators)."""

    serializer_class = serializers.Serializer
    throttle_classes = [ExportThrottle]
    schema = ManagersOnlySchema()

    def get_renderers(self) -> list[BaseRenderer]:
        return [JSONRenderer(), XlsxRenderer()]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        access.require_manager(acting_user(request), self.gathering.network)

    @_document_schema(exports.XLSX_TYPE, "Evalueringen som Excel-ark")
    def get(self, request: Request, gathering_id: int) -> HttpResponse:
        content = exports.render_evaluation_xlsx(
            self.gathering, results.evaluation_results(self.gathering)
        )
        return attachment(
            content, exports.XLSX_TYPE, f"Evaluering {self.gathering.title}", "xlsx", "samling"
        )
