"""The right to erasure: the account is emptied and deactivated, its row and history kept.

Given a person who wrote plan history in two municipalities' schemas (Nordre Land and
Nesseby), logged in with a session and an API token: `samla user erase` leaves the row
(every reference to its id holds), removes the name, e-mail, username, password,
sessions, tokens and roles, and both municipalities' history pages and API still show
the name the person had when they wrote. `User.delete()` erases instead of deleting.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context
from knox.models import AuthToken

from samla.accounts.erasure import erase_user, is_erased
from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from tenants.models import Municipality
from tenants.plans import services
from tenants.plans.models import Change, Plan
from tests.conftest import PASSWORD, api_client_for, client_for, make_member

pytestmark = pytest.mark.django_db

NAME = "Kari Nordmann"


@pytest.fixture
def writer(nordre_land: Municipality, nesseby: Municipality) -> User:
    """A leader in both municipalities, with a full name and an e-mail address."""
    user = make_member(nordre_land, "kari.nordmann")
    user.first_name, user.last_name, user.email = "Kari", "Nordmann", "kari@example.no"
    user.save()
    MunicipalityMembership.objects.create(
        user=user, municipality=nesseby, role=MunicipalityRole.EDITOR
    )
    return user


def write_plan(municipality: Municipality, user: User, title: str) -> Plan:
    start = timezone.localdate()
    with tenant_context(municipality):
        return services.create_plan(
            municipality,
            user,
            {"title": title, "start": start, "end": start + datetime.timedelta(days=300)},
        )


def history_names(municipality: Municipality, plan: Plan) -> list[str]:
    with tenant_context(municipality):
        return list(Change.objects.filter(plan_id=plan.pk).values_list("user_name", flat=True))


def test_erasure_keeps_the_row_and_the_history_and_removes_the_person(
    writer, nordre_land, nesseby, leader_a, leader_b
):
    plan_a = write_plan(nordre_land, writer, "Plan skrevet av Kari")
    plan_b = write_plan(nesseby, writer, "Kari sin plan i Nesseby")
    assert history_names(nordre_land, plan_a) == [NAME]
    web = client_for("nordre-land.localhost", writer)
    session_key = web.session.session_key
    assert Session.objects.filter(session_key=session_key).exists()
    _token, key = AuthToken.objects.create(writer)
    request = RequestFactory().post("/logg-inn/")
    assert authenticate(request, username="kari.nordmann", password=PASSWORD) == writer

    call_command("user", "erase", "kari.nordmann", "--yes")

    erased = User.objects.get(pk=writer.pk)
    assert erased.username == f"slettet-{writer.pk}"
    assert (erased.first_name, erased.last_name, erased.email) == ("", "", "")
    assert not erased.has_usable_password() and not erased.is_active
    assert is_erased(erased)
    assert not User.objects.filter(username="kari.nordmann").exists()
    assert not Session.objects.filter(session_key=session_key).exists()
    assert not AuthToken.objects.filter(user=erased).exists()
    assert not MunicipalityMembership.objects.filter(user=erased).active().exists()
    assert MunicipalityMembership.objects.filter(user=erased).count() == 2  # ended, kept

    # Nothing of the person can sign in any more.
    assert web.get("/planer/").status_code == 302
    api = api_client_for("nordre-land.localhost", key)
    assert api.get("/api/plans/").status_code == 401
    assert authenticate(request, username="kari.nordmann", password=PASSWORD) is None
    assert authenticate(request, username=erased.username, password=PASSWORD) is None

    # The history in both schemas keeps the name, on the pages and in the API.
    for municipality, plan, reader in (
        (nordre_land, plan_a, leader_a),
        (nesseby, plan_b, leader_b),
    ):
        assert history_names(municipality, plan) == [NAME]
        host = f"{municipality.slug}.localhost"
        page = client_for(host, reader).get(f"/planer/{plan.pk}/historikk/")
        assert page.status_code == 200 and NAME in page.content.decode()
        reader_api = api_client_for(host)
        reader_api.force_authenticate(reader)
        response = reader_api.get(f"/api/plans/{plan.pk}/history/")
        assert response.status_code == 200
        assert NAME in response.content.decode()
        assert "kari@example.no" not in response.content.decode()


def test_deleting_a_user_erases_instead(writer, nordre_land, nesseby):
    write_plan(nordre_land, writer, "Plan A")
    write_plan(nesseby, writer, "Plan B")

    writer.delete()

    assert User.objects.filter(pk=writer.pk).exists()
    assert is_erased(User.objects.get(pk=writer.pk))
    assert writer.username == f"slettet-{writer.pk}"


def test_refusals_change_nothing(writer, leader_a):
    with pytest.raises(CommandError, match="Fant ingen bruker"):
        call_command("user", "erase", "finnes.ikke", "--yes")
    with pytest.raises(Exception, match="egen konto"):
        erase_user(writer, actor=writer)
    writer.refresh_from_db()
    assert writer.username == "kari.nordmann" and writer.email == "kari@example.no"
    assert writer.is_active and writer.has_usable_password()


def test_erasing_twice_is_harmless(writer):
    erase_user(writer)
    again = erase_user(User.objects.get(pk=writer.pk))
    assert is_erased(again)
