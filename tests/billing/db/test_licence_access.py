"""A municipality whose licence has lapsed keeps read access and export: every change on its
host is refused with a Norwegian 403 (pages and API, by session or token), pages say why in
a banner, and none of it costs a query. A municipality without licence rows, or whose
current licence is active, is unaffected, and so is every other municipality."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import Licence, LicenceStatus, Order, Package
from billing.services import grants
from samla.accounts.models import User
from tenants.models import Municipality
from tenants.plans.models import Plan
from tests.billing.db.test_schedule import make_order, make_plan
from tests.conftest import client_for, host_of
from tests.plans.conftest import api_as

pytestmark = pytest.mark.django_db

MESSAGE = (
    "Lisensen er utløpt: dere kan lese og eksportere, men ikke endre. Kontakt Samla for å "
    "fornye lisensen."
)
BANNER = 'id="licence-lapsed"'
DAY = datetime.timedelta(days=1)


def licence(municipality: Municipality, status: str, *, years_back: int = 0) -> Licence:
    today = timezone.localdate()
    start = today.replace(month=1, day=1, year=today.year - years_back)
    return Licence.objects.create(
        municipality=municipality,
        year=start.year,
        band="5000-20000",
        population=6500,
        amount=Decimal("48000.00"),
        valid_from=start,
        valid_until=start.replace(month=12, day=31),
        status=status,
    )


@pytest.fixture
def lapsed(nordre_land: Municipality) -> Licence:
    return licence(nordre_land, LicenceStatus.LAPSED)


@pytest.fixture
def plan(nordre_land: Municipality) -> Plan:
    today = timezone.localdate()
    return make_plan(nordre_land, start=today - 30 * DAY, end=today + 400 * DAY)


NEW_PLAN = {"title": "Ny plan", "start": "2027-01-01", "end": "2027-12-31"}


def test_pages_read_with_a_banner_and_changes_are_refused(lapsed, nordre_land, leader_a, plan):
    client = client_for(host_of(nordre_land), leader_a)

    home = client.get("/")
    assert home.status_code == 200
    assert BANNER in home.content.decode() and MESSAGE in home.content.decode()
    overview = client.get(f"/planer/{plan.pk}/")
    assert overview.status_code == 200 and BANNER in overview.content.decode()

    refused = client.post("/planer/ny/", NEW_PLAN)
    assert refused.status_code == 403
    assert MESSAGE in refused.content.decode()
    with tenant_context(nordre_land):
        assert list(Plan.objects.values_list("title", flat=True)) == [plan.title]


def test_the_api_reads_and_exports_and_refuses_changes_by_token_and_session(
    lapsed, nordre_land, leader_a, plan
):
    api = api_as(leader_a, nordre_land)

    assert api.get("/api/plans/").status_code == 200
    export = api.get(f"/api/plans/{plan.pk}/export.docx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")

    for method in ("post", "put", "patch", "delete"):
        path = "/api/plans/" if method == "post" else f"/api/plans/{plan.pk}/"
        refused = getattr(api, method)(path, NEW_PLAN, format="json")
        assert refused.status_code == 403, method
        assert refused.json() == {"detail": MESSAGE}

    session = client_for(host_of(nordre_land), leader_a)
    refused = session.post("/api/plans/", NEW_PLAN, content_type="application/json")
    assert (refused.status_code, refused.json()) == (403, {"detail": MESSAGE})


def test_a_granted_consultant_is_refused_changes_too(
    lapsed, sor_package: Package, nordre_land, leader_a, plan, sor_member
):
    order: Order = make_order(
        sor_package, nordre_land, plan, buyer=leader_a, start=timezone.localdate() - DAY
    )
    grants.open_grant(order)
    client = client_for(host_of(nordre_land), sor_member)

    assert BANNER in client.get("/").content.decode()
    assert client.post("/planer/ny/", NEW_PLAN).status_code == 403


def test_logging_in_and_out_still_works(lapsed, nordre_land, leader_a):
    client = client_for(host_of(nordre_land))
    response = client.post(
        "/accounts/login/", {"username": leader_a.username, "password": "riktig-hest-batteri-stift"}
    )
    assert response.status_code == 302
    assert client.post("/accounts/logout/").status_code == 302


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param((), id="no licence rows"),
        pytest.param(((LicenceStatus.ACTIVE, 0),), id="active"),
        pytest.param(((LicenceStatus.INVOICED, 0),), id="invoiced"),
        pytest.param(((LicenceStatus.LAPSED, 1), (LicenceStatus.ACTIVE, 0)), id="lapsed last year"),
    ],
)
def test_without_a_current_lapsed_licence_nothing_changes(rows, nordre_land, leader_a):
    for status, years_back in rows:
        licence(nordre_land, status, years_back=years_back)
    client = client_for(host_of(nordre_land), leader_a)

    assert BANNER not in client.get("/").content.decode()
    created = api_as(leader_a, nordre_land).post("/api/plans/", NEW_PLAN, format="json")
    assert created.status_code == 201, created.content


def test_another_municipalitys_lapsed_licence_does_not_reach_here(nesseby, nordre_land, leader_a):
    licence(nesseby, LicenceStatus.LAPSED)

    assert BANNER not in client_for(host_of(nordre_land), leader_a).get("/").content.decode()
    created = api_as(leader_a, nordre_land).post("/api/plans/", NEW_PLAN, format="json")
    assert created.status_code == 201


def test_a_lapsed_licence_costs_no_query(nordre_land, leader_a: User):
    client = client_for(host_of(nordre_land), leader_a)
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    licence(nordre_land, LicenceStatus.LAPSED)

    with CaptureQueriesContext(connection) as after:
        page = client.get("/")

    assert BANNER in page.content.decode()
    assert len(after) == len(before)
