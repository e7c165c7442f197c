"""The orders API on both hosts: the buyer's leader orders and confirms on the
municipality's host, the consultancy delivers and answers on the public host; prices,
actions and events in the JSON; refusals (viewer 403, another municipality 404, anonymous,
wrong host, guessed id, no buyer reference, draft package, paid invoice 409); flat queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from billing.models import Amendment, BillingMode, Order, OrderStatus, Package
from billing.services import orders as services
from billing.services.transitions import transition_order
from samla.accounts.models import ConsultancyMembership, MunicipalityRole, User
from tenants.models import Municipality
from tests.billing.db.test_orders_services import make_plan, order_data, paid_invoice
from tests.conftest import make_member
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_nl(nordre_land: Municipality) -> int:
    return make_plan(nordre_land, "Helhetlig innsats i Nordre Land")


@pytest.fixture
def viewer_a(nordre_land: Municipality) -> User:
    return make_member(nordre_land, "leser.nordre-land", role=MunicipalityRole.VIEWER)


@pytest.fixture
def editor_a(nordre_land: Municipality) -> User:
    return make_member(nordre_land, "redaktor.nordre-land", role=MunicipalityRole.EDITOR)


def place(leader: User, municipality: Municipality, package: Package, plan: int) -> Order:
    return services.place_order(leader, municipality, package, order_data(plan))


def body(plan: int, package: Package, **changes: Any) -> dict[str, Any]:
    return {
        "package": package.pk,
        "plan": plan,
        "start_date": "2026-01-05",
        "buyer_reference": "3150bdn",
        "billing_mode": BillingMode.AS_DELIVERED,
        **changes,
    }


# The buyer on its own host ------------------------------------------------------------------


def test_the_leader_orders_and_confirms_on_the_municipalitys_host(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int
) -> None:
    api = municipality_api(leader_a, nordre_land)
    created = api.post("/api/orders/", body(plan_nl, sor_package), format="json")
    assert created.status_code == 201, created.json()
    order = created.json()
    assert (order["status"], order["municipality"], order["plan_title"]) == (
        "draft",
        nordre_land.pk,
        "Helhetlig innsats i Nordre Land",
    )
    # The same figures as the package (billing.pricing): exact strings, VAT by category.
    assert order["totals"] == {"net": "96879.13", "vat": "14969.78", "gross": "111848.91"}
    third = order["lines"][2]
    assert (third["quantity"], third["unit_price"], third["net"]) == (
        "7.5000",
        "1450.55",
        "10879.13",
    )
    assert (third["vat_rate"], third["vat_amount"], third["gross"]) == (
        "25.00",
        "2719.78",
        "13598.91",
    )
    assert [line["scheduled_on"] for line in order["lines"]] == [
        "2026-01-26",
        "2026-01-05",
        "2026-02-23",
        "2026-01-12",
    ]
    assert [action["name"] for action in order["actions"]] == ["confirm", "cancel"]
    assert order["events"][0]["action"] == "place"
    assert order["events"][0]["actor"] == leader_a.pk

    changed = api.patch(
        f"/api/orders/{order['id']}/",
        {"version": order["version"], "purchase_order": "PO-17"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    stale = api.patch(
        f"/api/orders/{order['id']}/", {"version": order["version"], "title": "X"}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["purchase_order"] == "PO-17"

    confirmed = api.post(
        f"/api/orders/{order['id']}/confirm/",
        {"version": changed.json()["version"]},
        format="json",
    )
    assert confirmed.status_code == 200, confirmed.json()
    result = confirmed.json()
    assert result["status"] == "confirmed"
    assert [action["name"] for action in result["actions"]] == ["amend", "cancel"]
    confirm = result["events"][-1]
    assert (confirm["action"], confirm["from_status"], confirm["to_status"]) == (
        "confirm",
        "draft",
        "confirmed",
    )
    assert (confirm["actor"], confirm["actor_name"]) == (leader_a.pk, "leder.nordre-land")
    again = api.post(
        f"/api/orders/{order['id']}/confirm/", {"version": result["version"]}, format="json"
    )
    assert again.status_code == 409


def test_bad_orders_are_refused_in_norwegian(
    leader_a: User,
    nordre_land: Municipality,
    sor_package: Package,
    sor_draft: Package,
    ks_draft: Package,
    plan_nl: int,
) -> None:
    api = municipality_api(leader_a, nordre_land)
    missing = dict(body(plan_nl, sor_package))
    missing.pop("buyer_reference")
    answer = api.post("/api/orders/", missing, format="json")
    assert answer.status_code == 400
    assert "buyer_reference" in answer.json()
    blank = api.post("/api/orders/", body(plan_nl, sor_package, buyer_reference=" "), format="json")
    assert blank.status_code == 400
    # A draft package is not in the buyer's catalogue: 404, as an id that does not exist.
    for package in (sor_draft, ks_draft):
        answer = api.post("/api/orders/", body(plan_nl, package), format="json")
        assert answer.status_code == 404
    # A leader who is also the seller's member sees the draft, and is refused it (400).
    ConsultancyMembership.objects.create(user=leader_a, consultancy=sor_draft.consultancy)
    draft = api.post("/api/orders/", body(plan_nl, sor_draft), format="json")
    assert draft.status_code == 400
    assert draft.json()["package"] == ["Pakken er ikke publisert og kan ikke bestilles."]
    guessed_plan = api.post("/api/orders/", body(plan_nl + 999, sor_package), format="json")
    assert guessed_plan.status_code == 400
    assert guessed_plan.json()["plan"] == ["Velg en av kommunens planer."]
    assert not Order.objects.exists()


@pytest.mark.parametrize("who", ["viewer_a", "editor_a"])
def test_a_viewer_or_editor_sees_but_does_not_order(
    who: str,
    request: pytest.FixtureRequest,
    leader_a: User,
    nordre_land: Municipality,
    sor_package: Package,
    plan_nl: int,
) -> None:
    user = request.getfixturevalue(who)
    order = place(leader_a, nordre_land, sor_package, plan_nl)
    api = municipality_api(user, nordre_land)
    listed = api.get("/api/orders/")
    assert [row["id"] for row in listed.json()] == [order.pk]
    assert listed.json()[0]["actions"] == []
    assert api.post("/api/orders/", body(plan_nl, sor_package), format="json").status_code == 403
    version = {"version": order.version}
    for action in ("confirm", "cancel"):
        answer = api.post(f"/api/orders/{order.pk}/{action}/", version, format="json")
        assert answer.status_code == 403, action
    assert api.patch(f"/api/orders/{order.pk}/", version, format="json").status_code == 403
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DRAFT


def test_another_municipality_anonymous_and_guessed_ids_see_nothing(
    leader_a: User,
    leader_b: User,
    nordre_land: Municipality,
    nesseby: Municipality,
    sor_package: Package,
    plan_nl: int,
    ks_member: User,
) -> None:
    order = place(leader_a, nordre_land, sor_package, plan_nl)
    paths = [f"/api/orders/{order.pk}/", f"/api/orders/{order.pk}/deliveries/"]
    # Nesseby's leader on Nesseby's host: Nordre Land's order does not exist there.
    nesseby_api = municipality_api(leader_b, nesseby)
    assert nesseby_api.get("/api/orders/").json() == []
    for path in paths:
        assert nesseby_api.get(path).status_code == 404
    answer = nesseby_api.post(
        f"/api/orders/{order.pk}/cancel/", {"version": order.version}, format="json"
    )
    assert answer.status_code == 404
    # Nesseby's leader on Nordre Land's host (the wrong host): 404 for the host itself.
    wrong_host = municipality_api(leader_b, nordre_land)
    assert wrong_host.get("/api/orders/").status_code == 404
    assert wrong_host.get(paths[0]).status_code == 404
    # Another consultancy's member on the public host, and a guessed id.
    other_seller = public_api(ks_member)
    assert other_seller.get("/api/orders/").json() == []
    assert other_seller.get(paths[0]).status_code == 404
    leader_api = municipality_api(leader_a, nordre_land)
    assert leader_api.get(f"/api/orders/{order.pk + 1000}/").status_code == 404
    # The buyer's leader on the public host: not a seller, the order is not listed there.
    assert public_api(leader_a).get(paths[0]).status_code == 404
    # Anonymous, on both hosts.
    for api in (municipality_api(None, nordre_land), public_api(None)):
        assert api.get("/api/orders/").status_code in (401, 403)
        assert api.get(paths[0]).status_code in (401, 403)
        assert api.post("/api/orders/", {}, format="json").status_code in (401, 403)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DRAFT


def test_on_the_public_host_a_leader_names_the_municipality(
    leader_a: User,
    leader_b: User,
    nordre_land: Municipality,
    nesseby: Municipality,
    sor_package: Package,
    plan_nl: int,
) -> None:
    api = public_api(leader_a)
    missing = api.post("/api/orders/", body(plan_nl, sor_package), format="json")
    assert missing.status_code == 400
    assert "municipality" in missing.json()
    other = api.post(
        "/api/orders/", body(plan_nl, sor_package, municipality=nesseby.pk), format="json"
    )
    assert other.status_code == 403
    made = api.post(
        "/api/orders/", body(plan_nl, sor_package, municipality=nordre_land.pk), format="json"
    )
    assert made.status_code == 201, made.json()
    # On a municipality's host another municipality can't be named.
    named = municipality_api(leader_b, nesseby).post(
        "/api/orders/", body(plan_nl, sor_package, municipality=nordre_land.pk), format="json"
    )
    assert named.status_code == 403


# The seller on the public host --------------------------------------------------------------


@pytest.fixture
def confirmed(
    leader_a: User, nordre_land: Municipality, sor_package: Package, plan_nl: int
) -> Order:
    order = place(leader_a, nordre_land, sor_package, plan_nl)
    return transition_order(order, "confirm", actor=leader_a)


def test_the_seller_records_deliveries_and_completes(
    confirmed: Order, sor_member: User, leader_a: User, nordre_land: Municipality
) -> None:
    api = public_api(sor_member)
    listed = api.get("/api/orders/")
    assert [row["id"] for row in listed.json()] == [confirmed.pk]
    assert [a["name"] for a in listed.json()[0]["actions"]] == ["amend", "deliver", "cancel"]
    today = timezone.localdate().isoformat()
    lines = api.get(f"/api/orders/{confirmed.pk}/deliveries/").json()
    assert [line["delivered_on"] for line in lines] == [None] * 4
    for line in lines:
        answer = api.post(
            f"/api/orders/{confirmed.pk}/deliveries/",
            {"line": line["id"], "held_on": today},
            format="json",
        )
        assert answer.status_code == 201, answer.json()
        assert (answer.json()["delivered_on"], answer.json()["delivered_by"]) == (
            today,
            sor_member.pk,
        )
    twice = api.post(
        f"/api/orders/{confirmed.pk}/deliveries/",
        {"line": lines[0]["id"], "held_on": today},
        format="json",
    )
    assert twice.status_code == 400
    order = api.get(f"/api/orders/{confirmed.pk}/").json()
    assert order["status"] == "in_delivery"
    assert [e["action"] for e in order["events"]] == [
        "place",
        "confirm",
        "start_delivery",
        "deliver",
        "deliver",
        "deliver",
        "deliver",
    ]
    # The buyer does not record deliveries nor complete.
    buyer = municipality_api(leader_a, nordre_land)
    refused = buyer.post(
        f"/api/orders/{confirmed.pk}/complete/", {"version": order["version"]}, format="json"
    )
    assert refused.status_code == 403
    done = api.post(
        f"/api/orders/{confirmed.pk}/complete/", {"version": order["version"]}, format="json"
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "completed"


def test_cancelling_with_a_paid_invoice_is_409(confirmed: Order, sor_member: User) -> None:
    paid_invoice(confirmed)
    answer = public_api(sor_member).post(
        f"/api/orders/{confirmed.pk}/cancel/", {"version": confirmed.version}, format="json"
    )
    assert answer.status_code == 409
    assert "krediter fakturaen først" in answer.json()["detail"]
    assert Order.objects.get(pk=confirmed.pk).status == OrderStatus.CONFIRMED


def test_amendments_by_both_sides(
    leader_a: User,
    nordre_land: Municipality,
    sor_package: Package,
    plan_nl: int,
    sor_member: User,
    viewer_a: User,
) -> None:
    draft = place(leader_a, nordre_land, sor_package, plan_nl)
    order = services.confirm_order(leader_a, draft, version=draft.version)
    line = order.lines.order_by("position").first()
    assert line is not None
    seller = public_api(sor_member)
    buyer = municipality_api(leader_a, nordre_land)
    path = f"/api/orders/{order.pk}/amendments/"
    proposed = seller.post(path, {"move": {str(line.pk): "2026-02-02"}}, format="json")
    assert proposed.status_code == 201, proposed.json()
    amendment = proposed.json()
    assert (amendment["side"], amendment["state"]) == ("seller", "proposed")
    assert amendment["changes"]["move"] == {str(line.pk): "2026-02-02"}
    # One open at a time; the proposer does not answer; a viewer does not either.
    assert buyer.post(path, {"remove": [line.pk]}, format="json").status_code == 409
    accept = f"{path}{amendment['id']}/accept/"
    assert seller.post(accept).status_code == 403
    assert municipality_api(viewer_a, nordre_land).post(accept).status_code == 403
    assert buyer.post(f"{path}{amendment['id'] + 1000}/accept/").status_code == 404
    accepted = buyer.post(accept)
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["state"] == "accepted"
    assert order.lines.get(pk=line.pk).scheduled_on == datetime.date(2026, 2, 2)
    assert buyer.post(accept).status_code == 409

    # The buyer proposes; the seller rejects.
    second = buyer.post(
        path,
        {
            "add": [
                {
                    "kind": "print",
                    "name": "Trykk av plakater",
                    "quantity": "100",
                    "unit_price": "12.50",
                    "scheduled_on": "2026-03-02",
                }
            ]
        },
        format="json",
    )
    assert second.status_code == 201, second.json()
    assert second.json()["side"] == "buyer"
    rejected = seller.post(f"{path}{second.json()['id']}/reject/")
    assert rejected.status_code == 200
    assert rejected.json()["state"] == "rejected"
    listed = buyer.get(path).json()
    assert [row["state"] for row in listed] == ["accepted", "rejected"]
    assert Amendment.objects.filter(order=order).count() == 2
    bad = buyer.post(path, {"add": [{"kind": "print", "quantity": "1", "unit_price": "1.001",
                                      "scheduled_on": "2026-03-02"}]}, format="json")  # fmt: skip
    assert bad.status_code == 400


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_has_flat_queries(
    count: int,
    leader_a: User,
    nordre_land: Municipality,
    sor_package: Package,
    plan_nl: int,
    sor_member: User,
    django_assert_max_num_queries: Any,
) -> None:
    for _index in range(count):
        order = place(leader_a, nordre_land, sor_package, plan_nl)
        transition_order(order, "confirm", actor=leader_a)
    for api in (municipality_api(leader_a, nordre_land), public_api(sor_member)):
        with django_assert_max_num_queries(11):
            response = api.get("/api/orders/?page_size=50")
        assert response.status_code == 200
        assert len(response.json()) == count


def test_an_operator_sees_every_order_on_the_public_host(
    confirmed: Order, operator: User, ks_member: User
) -> None:
    assert [row["id"] for row in public_api(operator).get("/api/orders/").json()] == [confirmed.pk]
    ConsultancyMembership.objects.create(user=ks_member, consultancy=confirmed.consultancy)
    assert [row["id"] for row in public_api(ks_member).get("/api/orders/").json()] == [confirmed.pk]


def test_odd_filters_and_keys_are_answered_not_crashed(
    confirmed: Order, sor_member: User, leader_a: User, nordre_land: Municipality
) -> None:
    api = public_api(sor_member)
    for query in ("package=²", "package=99999999999", "status=ukjent"):
        answer = api.get(f"/api/orders/?{query}")
        assert (answer.status_code, answer.json()) == (200, []), query
    assert [row["id"] for row in api.get("/api/orders/?status=confirmed").json()] == [confirmed.pk]
    path = f"/api/orders/{confirmed.pk}/amendments/"
    for key in ("²", "12345678901", "-1"):
        answer = api.post(path, {"move": {key: "2026-03-02"}}, format="json")
        assert answer.status_code == 400, key
        assert "move" in answer.json()
    changed = municipality_api(leader_a, nordre_land).patch(
        f"/api/orders/{confirmed.pk}/", {"version": confirmed.version}, format="json"
    )
    assert changed.status_code == 400  # only a draft is changed
