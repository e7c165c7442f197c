"""The orders API, the same paths on both hosts: thin views over `billing.access` and
`billing.services.orders`.

On a municipality's host its members see its orders; its leader places (`POST
/api/orders/`), changes a draft (`PATCH`, naming `version`), confirms, cancels, proposes
and answers amendments. On the public host a consultancy's members (and operators) see the
consultancy's orders; they record deliveries, complete, cancel, propose and answer
amendments (a leader may also place an order there, naming the `municipality`). What the
user cannot see is 404; an action by the wrong side is 403; a stale version, a state that
refuses the action, an open amendment already there or a paid invoice not credited is 409.

An order carries its lines with prices with and without VAT (`billing.money`, exact
decimals as strings), its totals, its status, the actions the user may take now
(`billing.states.order_actions_from`, by the user's side) and its events (who, when).
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from billing import access, pricing
from billing.kinds import ItemKind, UnitChoice, VatChoice
from billing.line_serializers import PRICE_FIELDS, TOTAL_FIELDS, PricedLineSerializer, money
from billing.models import (
    Amendment,
    BillingMode,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
)
from billing.services import orders as services
from billing.services.transitions import TransitionRefused
from billing.states import order_actions_from
from networks.access import is_operator
from samla.accounts.access import acting_user, is_public, tenant_of
from samla.accounts.models import ConsultancyMembership, User
from samla.api.schema import SamlaAutoSchema
from tenants.models import Municipality

TAG = "orders"
MAX_INT = 2**31 - 1
# What each side may do from the registry's actions (start_delivery follows a delivery).
BUYER_ACTIONS = frozenset({"confirm", "cancel", "amend"})
SELLER_ACTIONS = frozenset({"deliver", "complete", "cancel", "amend"})


# Who the user is on this host, read once per request ---------------------------------------


class Viewer:
    """The acting user's side on this host: the buyer's leader on a municipality's host,
    the seller (of some consultancies, or all for operators) on the public host."""

    def __init__(self, user: User, municipality: Municipality | None) -> None:
        self.user = user
        self.municipality = municipality
        self.leader = municipality is not None and access.is_buyer_leader(user, municipality)
        self.operator = municipality is None and is_operator(user)
        self.sells: frozenset[int] = (
            frozenset(
                ConsultancyMembership.objects.filter(user_id=user.pk).values_list(
                    "consultancy_id", flat=True
                )
            )
            if municipality is None and not self.operator
            else frozenset()
        )

    @property
    def side(self) -> str:
        return services.BUYER if self.municipality is not None else services.SELLER

    def actions(self, order: Order) -> list[dict[str, str]]:
        if self.municipality is not None:
            allowed = BUYER_ACTIONS if self.leader else frozenset()
        elif order.status == OrderStatus.DRAFT:
            allowed = frozenset()  # a draft is the buyer's alone
        elif self.operator or order.consultancy_id in self.sells:
            allowed = SELLER_ACTIONS
        else:
            allowed = frozenset()
        return [
            {"name": action.name, "label": str(action.label)}
            for action in order_actions_from(order.status)
            if action.name in allowed
        ]


# Representation -----------------------------------------------------------------------------


def _price(order: Order) -> pricing.OrderPrice:
    """The order's price (`billing.pricing`), computed once per order and serialization."""
    cached: pricing.OrderPrice | None = getattr(order, "_price", None)
    if cached is None:
        cached = pricing.price_order(order)
        order._price = cached  # type: ignore[attr-defined]
    return cached


def _line_price(line: OrderLine) -> pricing.LinePrice[OrderLine]:
    """The line's price in its order's (looked up by id, built once per order)."""
    order = line.order
    by_line: dict[int, pricing.LinePrice[OrderLine]] | None = getattr(order, "_line_prices", None)
    if by_line is None:
        by_line = {priced.item.pk: priced for priced in _price(order).lines}
        order._line_prices = by_line  # type: ignore[attr-defined]
    return by_line[line.pk]


class OrderLineSerializer(PricedLineSerializer):
    delivered_by = serializers.IntegerField(
        source="delivered_by_id", read_only=True, allow_null=True
    )

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "position",
            "kind",
            "kind_label",
            "name",
            "description",
            *PRICE_FIELDS,
            *TOTAL_FIELDS,
            "scheduled_on",
            "delivered_on",
            "delivered_by",
        ]
        read_only_fields = fields

    def line_price(self, line: OrderLine) -> pricing.LinePrice[OrderLine]:
        return _line_price(line)


class OrderEventSerializer(serializers.ModelSerializer[OrderEvent]):
    actor = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = OrderEvent
        fields = ["id", "action", "from_status", "to_status", "actor", "actor_name", "at"]
        read_only_fields = fields

    def get_actor_name(self, event: OrderEvent) -> str:
        actor = event.actor
        return "" if actor is None else str(actor.display_name)


class OrderActionSerializer(serializers.Serializer[dict[str, str]]):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class OrderTotalsSerializer(serializers.Serializer[dict[str, str]]):
    net = money()
    vat = money()
    gross = money()


class OrderSerializer(serializers.ModelSerializer[Order]):
    package = serializers.IntegerField(source="package_id", read_only=True)
    consultancy = serializers.IntegerField(source="consultancy_id", read_only=True)
    consultancy_name = serializers.CharField(source="consultancy.name", read_only=True)
    municipality = serializers.IntegerField(source="municipality_id", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    # Empty when none is given: a plain string (an email format would refuse "").
    invoice_email = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    events = OrderEventSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "package",
            "consultancy",
            "consultancy_name",
            "municipality",
            "municipality_name",
            "plan",
            "plan_title",
            "title",
            "buyer_reference",
            "purchase_order",
            "invoice_name",
            "invoice_org_number",
            "invoice_street",
            "invoice_postcode",
            "invoice_city",
            "invoice_email",
            "start_date",
            "end_date",
            "billing_mode",
            "status",
            "status_label",
            "version",
            "created_at",
            "updated_at",
            "lines",
            "totals",
            "actions",
            "events",
        ]
        read_only_fields = fields

    @extend_schema_field(OrderTotalsSerializer)
    def get_totals(self, order: Order) -> dict[str, str]:
        price = _price(order)
        return {"net": f"{price.net:.2f}", "vat": f"{price.vat:.2f}", "gross": f"{price.gross:.2f}"}

    @extend_schema_field(OrderActionSerializer(many=True))
    def get_actions(self, order: Order) -> list[dict[str, str]]:
        viewer: Viewer | None = self.context.get("viewer")
        return [] if viewer is None else viewer.actions(order)


class AmendmentSerializer(serializers.ModelSerializer[Amendment]):
    order = serializers.IntegerField(source="order_id", read_only=True)
    changes = serializers.SerializerMethodField()
    side = serializers.SerializerMethodField()
    proposed_by = serializers.IntegerField(source="proposed_by_id", read_only=True, allow_null=True)
    decided_by = serializers.IntegerField(source="decided_by_id", read_only=True, allow_null=True)

    class Meta:
        model = Amendment
        fields = [
            "id",
            "order",
            "state",
            "side",
            "changes",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_changes(self, amendment: Amendment) -> dict[str, Any]:
        return {name: amendment.changes.get(name) for name in ("add", "remove", "move")}

    @extend_schema_field(serializers.ChoiceField(choices=[services.BUYER, services.SELLER]))
    def get_side(self, amendment: Amendment) -> str:
        return str(amendment.changes.get("side") or services.BUYER)


# Input --------------------------------------------------------------------------------------


class OrderFields(serializers.Serializer[dict[str, Any]]):
    plan = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    start_date = serializers.DateField(required=False)
    billing_mode = serializers.ChoiceField(choices=BillingMode.choices, required=False)
    buyer_reference = serializers.CharField(
        max_length=200, required=False, help_text=gettext_lazy("Bestillerreferanse (EHF BT-10)")
    )
    purchase_order = serializers.CharField(max_length=200, required=False, allow_blank=True)
    invoice_name = serializers.CharField(max_length=200, required=False)
    invoice_org_number = serializers.CharField(max_length=9, required=False)
    invoice_street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    invoice_postcode = serializers.CharField(max_length=4, required=False, allow_blank=True)
    invoice_city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    invoice_email = serializers.CharField(max_length=254, required=False, allow_blank=True)


class OrderCreateSerializer(OrderFields):
    package = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    plan = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    start_date = serializers.DateField()
    buyer_reference = serializers.CharField(
        max_length=200, help_text=gettext_lazy("Bestillerreferanse (EHF BT-10)")
    )
    municipality = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        required=False,
        help_text=gettext_lazy(
            "Kommunen som bestiller: kreves på den felles adressen, ellers kommunens egen"
        ),
    )


class OrderUpdateSerializer(OrderFields):
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class OrderVersionSerializer(serializers.Serializer[dict[str, Any]]):
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, help_text=gettext_lazy("Versjonen av bestillingen du så")
    )


class OrderCancelSerializer(OrderVersionSerializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class OrderDeliverySerializer(serializers.Serializer[dict[str, Any]]):
    line = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    held_on = serializers.DateField(help_text=gettext_lazy("Dagen linjen ble holdt"))


class AmendmentItemSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    quantity = serializers.DecimalField(max_digits=None, decimal_places=None)
    unit = serializers.ChoiceField(choices=UnitChoice.choices, required=False)
    unit_price = serializers.DecimalField(max_digits=None, decimal_places=None)
    vat = serializers.ChoiceField(choices=VatChoice.choices, required=False)
    scheduled_on = serializers.DateField()


class AmendmentCreateSerializer(serializers.Serializer[dict[str, Any]]):
    add = serializers.ListField(
        child=AmendmentItemSerializer(), required=False, max_length=services.MAX_AMENDMENT_LINES
    )
    remove = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_INT),
        required=False,
        max_length=services.MAX_AMENDMENT_LINES,
    )
    move = serializers.DictField(
        child=serializers.DateField(),
        required=False,
        help_text=gettext_lazy("Linje-id → ny dato"),
    )


# Views --------------------------------------------------------------------------------------


def host_municipality(request: Request) -> Municipality | None:
    """The municipality of a municipality's host; None on the public host."""
    tenant = tenant_of(request)
    return None if is_public(tenant) else tenant


def order_queryset(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Ready for a list: seller, buyer and package joined, lines and events (with their
    actors) prefetched: the same number of queries for 1 order or 100."""
    return orders.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("position", "id")),
        Prefetch(
            "events", queryset=OrderEvent.objects.select_related("actor").order_by("at", "id")
        ),
    )


class ListSchema(SamlaAutoSchema):
    def _is_list_view(self, serializer: Any = None) -> bool:
        return self.method == "GET" and getattr(self.view, "lists", False)


class OrdersView(GenericAPIView[Order]):
    serializer_class = OrderSerializer
    filter_backends = []
    schema = ListSchema()
    creates: ClassVar[bool] = False
    # GET answers a list (paged only where the view has a paginator).
    lists: ClassVar[bool] = False
    conflict_methods: ClassVar[frozenset[str]] = frozenset()
    viewer: Viewer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.viewer = Viewer(acting_user(request), host_municipality(request))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "viewer": getattr(self, "viewer", None)}

    def fetch(self, order_id: int) -> Order:
        found = order_queryset(
            access.orders_for(self.viewer.user, self.viewer.municipality)
        ).filter(pk=order_id)
        order = found.first()
        if order is None:
            raise Http404(_("Fant ikke bestillingen."))
        return order

    def fresh(self, order: Order) -> dict[str, Any]:
        """The order as stored now, as this host's list shows it (the buyer who placed it
        on the public host sees it even where the list would not)."""
        found = order_queryset(Order.objects.select_related("consultancy", "municipality"))
        return dict(self.get_serializer(found.get(pk=order.pk)).data)

    def conflict(self, exc: Exception, order: Order) -> Response:
        if isinstance(exc, services.StaleOrder):
            detail = _("Noen andre har endret bestillingen siden du hentet den.")
        else:
            detail = str(exc)
        return Response(
            {"detail": detail, "current": self.fresh(order)}, status=status.HTTP_409_CONFLICT
        )


CONFLICTS = (services.StaleOrder, services.OrderConflict, TransitionRefused)


@extend_schema(tags=[TAG])
class OrderList(OrdersView):
    """The orders the user sees on this host; POST places a draft order (the buyer's leader)."""

    creates = True
    lists = True

    @extend_schema(
        summary="Bestillinger (kommunens egne, eller konsulentselskapets på felles adresse)",
        parameters=[
            OpenApiParameter("status", str, enum=OrderStatus.values),
            OpenApiParameter("package", int, description="Bare bestillinger av denne pakken"),
        ],
        responses={200: OrderSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        orders = access.orders_for(self.viewer.user, self.viewer.municipality)
        state = request.query_params.get("status")
        if state:
            orders = orders.filter(status=state) if state in OrderStatus.values else orders.none()
        package = str(request.query_params.get("package", ""))
        if package.isascii() and package.isdigit() and int(package) <= MAX_INT:
            orders = orders.filter(package_id=int(package))
        elif package:
            orders = orders.none()
        page = self.paginate_queryset(order_queryset(orders).order_by("-created_at", "-id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Bestill en publisert pakke til en av kommunens planer (utkast)",
        request=OrderCreateSerializer,
        responses={201: OrderSerializer},
    )
    def post(self, request: Request) -> Response:
        given = OrderCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        municipality = self._buyer(data.pop("municipality", None))
        package = access.get_package_for(self.viewer.user, data.pop("package"))
        order = services.place_order(self.viewer.user, municipality, package, data)
        return Response(self.fresh(order), status=status.HTTP_201_CREATED)

    def _buyer(self, municipality_id: int | None) -> Municipality:
        """The buying municipality: the host's, or on the public host the one named."""
        host = self.viewer.municipality
        if host is not None:
            if municipality_id not in (None, host.pk):
                raise PermissionDenied(_("Bestill for kommunen du er logget inn i."))
            return host
        if municipality_id is None:
            raise serializers.ValidationError(
                {"municipality": [_("Oppgi kommunen som bestiller.")]}
            )
        municipality = Municipality.objects.exclude(schema_name="public").filter(pk=municipality_id)
        found = municipality.first()
        if found is None or not access.is_buyer_leader(self.viewer.user, found):
            raise PermissionDenied(_("Bare kommunens prosjektleder bestiller pakker."))
        return found


class OrderScoped(OrdersView):
    order: Order

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.order = self.fetch(kwargs["pk"])

    def get_object(self) -> Order:
        return self.order


@extend_schema(tags=[TAG])
class OrderDetail(OrderScoped):
    conflict_methods = frozenset({"PATCH"})

    @extend_schema(summary="Én bestilling med linjer, priser, handlinger og hendelser")
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.order).data)

    @extend_schema(
        summary="Endre et utkast (kommunens prosjektleder; en ny startdato flytter linjene)",
        request=OrderUpdateSerializer,
        responses={200: OrderSerializer},
    )
    def patch(self, request: Request, pk: int) -> Response:
        services.require_buyer_leader(self.viewer.user, self.order.municipality)
        given = OrderUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        version = data.pop("version")
        try:
            order = services.update_order(self.viewer.user, self.order, data, version)
        except CONFLICTS as exc:
            return self.conflict(exc, self.order)
        return Response(self.fresh(order))


class OrderAction(OrderScoped):
    conflict_methods = frozenset({"POST"})
    input_serializer: ClassVar[type[serializers.Serializer[dict[str, Any]]]] = (
        OrderVersionSerializer
    )

    def act(self, data: dict[str, Any]) -> Order:
        raise NotImplementedError

    def require(self) -> None:
        """Who may take the action, checked before the body (403 rather than 400)."""
        if services.side_of(self.viewer.user, self.order) is None:
            raise PermissionDenied(_("Du kan ikke gjøre dette med bestillingen."))

    def post(self, request: Request, pk: int) -> Response:
        self.require()
        given = self.input_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            order = self.act(dict(given.validated_data))
        except CONFLICTS as exc:
            return self.conflict(exc, self.order)
        return Response(self.fresh(order))


@extend_schema(tags=[TAG])
class OrderConfirm(OrderAction):
    def require(self) -> None:
        services.require_buyer_leader(self.viewer.user, self.order.municipality)

    def act(self, data: dict[str, Any]) -> Order:
        return services.confirm_order(self.viewer.user, self.order, version=data["version"])

    @extend_schema(
        summary="Bekreft bestillingen (kommunens prosjektleder): planen, tilgangen og "
        "fakturaen på forskudd følger",
        request=OrderVersionSerializer,
        responses={200: OrderSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


@extend_schema(tags=[TAG])
class OrderCancel(OrderAction):
    input_serializer = OrderCancelSerializer

    def act(self, data: dict[str, Any]) -> Order:
        return services.cancel_order(
            self.viewer.user, self.order, version=data["version"], reason=data.get("reason", "")
        )

    @extend_schema(
        summary="Kanseller bestillingen (åpne fakturaer krediteres; en betalt faktura "
        "krediteres først: 409)",
        request=OrderCancelSerializer,
        responses={200: OrderSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


@extend_schema(tags=[TAG])
class OrderComplete(OrderAction):
    def require(self) -> None:
        services.require_seller(self.viewer.user, self.order)

    def act(self, data: dict[str, Any]) -> Order:
        return services.complete_order(self.viewer.user, self.order, version=data["version"])

    @extend_schema(
        summary="Fullfør bestillingen (konsulentselskapet; alle linjer levert)",
        request=OrderVersionSerializer,
        responses={200: OrderSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


@extend_schema(tags=[TAG])
class OrderDeliveries(OrderScoped):
    creates = True
    lists = True
    conflict_methods = frozenset({"POST"})
    pagination_class = None

    @extend_schema(
        summary="Bestillingens linjer med hva som er levert",
        responses={200: OrderLineSerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        lines = list(self.order.lines.all())
        return Response(OrderLineSerializer(lines, many=True).data)

    @extend_schema(
        summary="Registrer at en linje er holdt (konsulentselskapet)",
        request=OrderDeliverySerializer,
        responses={201: OrderLineSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        services.require_seller(self.viewer.user, self.order)
        given = OrderDeliverySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            line = services.record_delivery(
                self.viewer.user,
                self.order,
                given.validated_data["line"],
                given.validated_data["held_on"],
            )
        except CONFLICTS as exc:
            return self.conflict(exc, self.order)
        order = self.fetch_any(self.order.pk)
        fresh = next(candidate for candidate in order.lines.all() if candidate.pk == line.pk)
        return Response(OrderLineSerializer(fresh).data, status=status.HTTP_201_CREATED)

    def fetch_any(self, order_id: int) -> Order:
        return order_queryset(Order.objects.select_related("consultancy")).get(pk=order_id)


@extend_schema(tags=[TAG])
class OrderAmendments(OrderScoped):
    creates = True
    lists = True
    conflict_methods = frozenset({"POST"})
    pagination_class = None

    @extend_schema(
        summary="Forslag til endring av bestillingen, med svarene",
        responses={200: AmendmentSerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        amendments = self.order.amendments.order_by("proposed_at", "id")
        return Response(AmendmentSerializer(amendments, many=True).data)

    @extend_schema(
        summary="Foreslå en endring (linjer lagt til, fjernet eller flyttet); den andre "
        "parten svarer",
        request=AmendmentCreateSerializer,
        responses={201: AmendmentSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        if services.side_of(self.viewer.user, self.order) is None:
            raise PermissionDenied(
                _("Bare kommunens prosjektleder og konsulentselskapet kan foreslå endringer.")
            )
        given = AmendmentCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        changes = {
            "add": [
                {
                    **item,
                    "quantity": str(item["quantity"]),
                    "unit_price": str(item["unit_price"]),
                    "scheduled_on": item["scheduled_on"].isoformat(),
                }
                for item in data.get("add", [])
            ],
            "remove": data.get("remove", []),
            "move": {
                str(key): day.isoformat() if isinstance(day, datetime.date) else day
                for key, day in data.get("move", {}).items()
            },
        }
        try:
            amendment = services.propose_amendment(
                self.viewer.user, self.order, changes, side=self.viewer.side
            )
        except CONFLICTS as exc:
            return self.conflict(exc, self.order)
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)


class AmendmentAnswer(OrderScoped):
    conflict_methods = frozenset({"POST"})
    answer: ClassVar[Any]

    def post(self, request: Request, pk: int, amendment_pk: int) -> Response:
        amendment = self.order.amendments.filter(pk=amendment_pk).first()
        if amendment is None:
            raise Http404(_("Fant ikke forslaget."))
        try:
            answered = type(self).answer(self.viewer.user, amendment)
        except CONFLICTS as exc:
            return self.conflict(exc, self.order)
        return Response(AmendmentSerializer(answered).data)


@extend_schema(tags=[TAG])
class AmendmentAccept(AmendmentAnswer):
    answer = staticmethod(services.accept_amendment)

    @extend_schema(
        summary="Godta forslaget (den andre parten): linjene og planen endres",
        request=None,
        responses={200: AmendmentSerializer},
    )
    def post(self, request: Request, pk: int, amendment_pk: int) -> Response:
        return super().post(request, pk, amendment_pk)


@extend_schema(tags=[TAG])
class AmendmentReject(AmendmentAnswer):
    answer = staticmethod(services.reject_amendment)

    @extend_schema(
        summary="Avslå forslaget (den andre parten)",
        request=None,
        responses={200: AmendmentSerializer},
    )
    def post(self, request: Request, pk: int, amendment_pk: int) -> Response:
        return super().post(request, pk, amendment_pk)
