"""The «Nettverk» page on a municipality's host (`/nettverk/`): its networks, what each
sees, the consent to open comparison, leaving, and the registrations for coming gatherings.

Given network X with Nordre Land as its member and a gathering of X next week: Nordre
Land's leader changes everything there through the networks' and gatherings' services;
an editor registers but does not choose what is shared; a viewer reads and every POST of
theirs is 403 with nothing changed; Nesseby's leader, X's coordinator and anonymous
users reach nothing of Nordre Land's.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from networks.gatherings import services as gathering_services
from networks.gatherings.models import Gathering, Participant, Registration
from networks.models import (
    LearningNetwork,
    NetworkMembership,
    OpenComparisonConsent,
    Organiser,
    Sharing,
)
from samla.accounts.models import MunicipalityRole
from tests.conftest import client_for, host_of, make_member

pytestmark = pytest.mark.django_db

PAGE = "/nettverk/"
# Queries of the page for a leader, whatever the number of networks: the host's domain,
# session, user and role (django-tenants and the access layer), then memberships,
# consents, gatherings, registrations, their participants and the seats taken (pinned:
# the same for 1 network and for 5). Counted without django-tenants' `SET search_path`,
# whose number depends on TENANT_LIMIT_SET_CALLS (docs/decisions/0006); the totals,
# `SET`s included, are compared too.
PAGE_QUERIES = 10


def later(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def membership(network_x, nordre_land) -> NetworkMembership:
    return NetworkMembership.objects.get(network=network_x, municipality=nordre_land)


@pytest.fixture
def upcoming(network_x, coordinator_x) -> Gathering:
    return gathering_services.create_gathering(
        coordinator_x,
        network_x,
        {"title": "Vårsamlingen", "starts_at": later(7), "ends_at": later(8), "capacity": 3},
    )


@pytest.fixture
def leader(leader_a, nordre_land):
    return client_for(host_of(nordre_land), leader_a)


@pytest.fixture
def viewer_client(nordre_land):
    viewer = make_member(nordre_land, "leser.nettverk", MunicipalityRole.VIEWER)
    return client_for(host_of(nordre_land), viewer)


@pytest.fixture
def editor_client(nordre_land):
    editor = make_member(nordre_land, "redaktor.nettverk", MunicipalityRole.EDITOR)
    return client_for(host_of(nordre_land), editor)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def register_body(gathering: Gathering, *people: tuple[str, str, str], rows: int = 3) -> dict:
    body = {"action": "register", "gathering": gathering.pk, f"g{gathering.pk}-rows": rows}
    for index, (name, role, unit) in enumerate(people):
        body |= {
            f"g{gathering.pk}-name_{index}": name,
            f"g{gathering.pk}-role_{index}": role,
            f"g{gathering.pk}-unit_{index}": unit,
        }
    return body


# Reading ------------------------------------------------------------------------------------


def test_the_leader_sees_every_control(leader, membership, upcoming, network_x):
    page = leader.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1" in html and "Nettverk X" in html and "Vårsamlingen" in html
    # sharing as a fieldset of radios, the current choice checked
    assert "<legend" in html and f'name="m{membership.pk}-sharing"' in html
    assert f'value="figures" id="id_m{membership.pk}-sharing_0" checked' in html
    assert 'value="give-consent"' in html
    assert f'href="/nettverk/{membership.pk}/meld-ut/"' in html
    assert 'value="register"' in html
    # the comparison is on the public host
    assert f"/nettverk/{network_x.slug}/sammenligning/" in html
    assert "://nordre-land." not in html.split("sammenligning/")[0].rsplit("href=", 1)[-1]


def test_the_home_page_links_the_page(leader):
    assert f'href="{PAGE}"' in leader.get("/").content.decode()


def test_a_viewer_reads_without_any_control(viewer_client, membership, upcoming):
    page = viewer_client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nettverk X" in html and "Bare statustall" in html and "Vårsamlingen" in html
    assert 'name="action"' not in html and '<form method="post" class="samla-form' not in html
    assert "meld-ut" not in html


@pytest.mark.parametrize(
    "body",
    [
        {"action": "sharing", "sharing": "plans"},
        {"action": "give-consent"},
        {"action": "withdraw-consent"},
        {"action": "register"},
        {"action": "cancel-registration"},
    ],
    ids=lambda b: b["action"],
)
def test_a_viewer_posting_gets_403_and_nothing_changes(
    viewer_client, membership, upcoming, leader_a, body
):
    registration, _ = gathering_services.register(
        leader_a, upcoming, None, [{"name": "Kari", "role": "", "unit": ""}]
    )
    body = {
        **body,
        "membership": membership.pk,
        "gathering": upcoming.pk,
        f"m{membership.pk}-sharing": "plans",
        **register_body(upcoming, ("Ola", "", "")),
        "action": body["action"],
    }
    assert viewer_client.post(PAGE, body).status_code == 403
    assert viewer_client.get(f"/nettverk/{membership.pk}/meld-ut/").status_code == 403
    assert viewer_client.post(f"/nettverk/{membership.pk}/meld-ut/").status_code == 403
    membership.refresh_from_db()
    assert (membership.sharing, membership.left_on) == (Sharing.FIGURES, None)
    assert not OpenComparisonConsent.objects.exists()
    assert list(Participant.objects.values_list("name", flat=True)) == ["Kari"]
    assert Registration.objects.filter(pk=registration.pk).exists()


# Writing as the leader ----------------------------------------------------------------------


def test_the_leader_changes_what_the_network_sees(leader, membership):
    answer = leader.post(
        PAGE,
        {"action": "sharing", "membership": membership.pk, f"m{membership.pk}-sharing": "plans"},
        follow=True,
    )
    assert answer.redirect_chain == [(PAGE, 302)]
    assert messages_of(answer) == ["Nettverk X får nå se: Statustall og planene (kun lesing)."]
    membership.refresh_from_db()
    assert membership.sharing == Sharing.PLANS
    assert f'value="plans" id="id_m{membership.pk}-sharing_1" checked' in answer.content.decode()


def test_an_unknown_sharing_choice_is_a_norwegian_400(leader, membership):
    answer = leader.post(
        PAGE, {"action": "sharing", "membership": membership.pk, f"m{membership.pk}-sharing": "all"}
    )
    assert answer.status_code == 400
    assert "Velg enten «Bare statustall»" in answer.content.decode()
    missing = leader.post(PAGE, {"action": "sharing", "membership": membership.pk})
    assert missing.status_code == 400 and "Velg hva nettverket får se." in missing.content.decode()
    membership.refresh_from_db()
    assert membership.sharing == Sharing.FIGURES


def test_the_leader_gives_and_withdraws_the_consent(leader, leader_a, membership, network_x):
    given = leader.post(PAGE, {"action": "give-consent", "membership": membership.pk}, follow=True)
    assert messages_of(given) == ["Kommunen samtykker nå til åpen sammenligning i Nettverk X."]
    consent = OpenComparisonConsent.objects.standing().get(membership=membership)
    assert consent.given_by_id == leader_a.pk
    assert 'value="withdraw-consent"' in given.content.decode()

    # the coordinator opens the comparison; withdrawing the consent closes it again
    LearningNetwork.objects.filter(pk=network_x.pk).update(open_comparison=True)
    withdrawn = leader.post(
        PAGE, {"action": "withdraw-consent", "membership": membership.pk}, follow=True
    )
    assert messages_of(withdrawn) == [
        "Samtykket til åpen sammenligning i Nettverk X er trukket tilbake."
    ]
    assert not OpenComparisonConsent.objects.standing().exists()
    network_x.refresh_from_db()
    assert network_x.open_comparison is False


def test_the_leader_leaves_after_confirming(leader, membership):
    confirm = leader.get(f"/nettverk/{membership.pk}/meld-ut/")
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Meld kommunen ut av Nettverk X?" in html and "Ja, meld kommunen ut" in html
    membership.refresh_from_db()
    assert membership.left_on is None  # the confirmation page changes nothing

    left = leader.post(f"/nettverk/{membership.pk}/meld-ut/", follow=True)
    assert left.redirect_chain == [(PAGE, 302)]
    assert messages_of(left) == ["Kommunen er meldt ut av Nettverk X."]
    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()
    assert "Kommunen er ikke med i noe læringsnettverk." in left.content.decode()
    # the ended membership is no longer the municipality's to act on
    assert leader.get(f"/nettverk/{membership.pk}/meld-ut/").status_code == 404


def test_the_leader_registers_changes_and_cancels(leader, upcoming):
    made = leader.post(
        PAGE,
        register_body(
            upcoming, ("Kari Nordmann", "Rektor", "Skolen"), ("", "", ""), ("Ola", "", "")
        ),
        follow=True,
    )
    assert messages_of(made) == ["Påmeldingen til «Vårsamlingen» er lagret."]
    registration = Registration.objects.get(gathering=upcoming)
    people = list(registration.participants.order_by("order").values_list("name", "role", "unit"))
    assert people == [("Kari Nordmann", "Rektor", "Skolen"), ("Ola", "", "")]
    html = made.content.decode()
    assert "2 deltakere" in html and "2 av 3 tatt" in html
    assert 'value="Kari Nordmann"' in html  # the form holds the list to change

    changed = leader.post(
        PAGE, register_body(upcoming, ("Kari Nordmann", "Rektor", "Skolen")), follow=True
    )
    assert messages_of(changed) == ["Påmeldingen til «Vårsamlingen» er lagret."]
    assert list(Participant.objects.values_list("name", flat=True)) == ["Kari Nordmann"]

    cancelled = leader.post(
        PAGE, {"action": "cancel-registration", "gathering": upcoming.pk}, follow=True
    )
    assert messages_of(cancelled) == ["Påmeldingen til «Vårsamlingen» er trukket tilbake."]
    assert not Registration.objects.exists() and not Participant.objects.exists()


def test_a_bad_registration_shows_errors_by_the_row_and_writes_nothing(leader, upcoming):
    # a row with a role but no name: the error is next to that row's name
    answer = leader.post(PAGE, register_body(upcoming, ("Kari", "", ""), ("", "Rektor", "")))
    assert answer.status_code == 400
    form = answer.context["sections"][0]["gatherings"][0]["form"]
    assert form.errors == {"name_1": ["Skriv deltakerens navn."]}
    assert "Skriv deltakerens navn." in answer.content.decode()
    # over the capacity (three seats)
    full = leader.post(PAGE, register_body(upcoming, *[("Kari", "", "")] * 4, rows=4))
    assert full.status_code == 400
    assert "Samlingen er full" in full.content.decode()
    # nobody at all
    empty = leader.post(PAGE, register_body(upcoming))
    assert empty.status_code == 400 and "Meld på minst én deltaker." in empty.content.decode()
    assert not Registration.objects.exists()


def test_an_editor_registers_but_does_not_choose_what_is_shared(
    editor_client, membership, upcoming
):
    page = editor_client.get(PAGE).content.decode()
    assert 'value="register"' in page and 'value="give-consent"' not in page
    made = editor_client.post(PAGE, register_body(upcoming, ("Kari", "", "")))
    assert made.status_code == 302
    assert Registration.objects.filter(gathering=upcoming).exists()
    refused = editor_client.post(
        PAGE,
        {"action": "sharing", "membership": membership.pk, f"m{membership.pk}-sharing": "plans"},
    )
    assert refused.status_code == 403
    assert editor_client.post(f"/nettverk/{membership.pk}/meld-ut/").status_code == 403
    membership.refresh_from_db()
    assert (membership.sharing, membership.left_on) == (Sharing.FIGURES, None)


def test_after_the_start_the_registration_cannot_be_withdrawn(
    leader, leader_a, network_x, coordinator_x
):
    going_on = gathering_services.create_gathering(
        coordinator_x, network_x, {"title": "Pågår", "starts_at": later(-1), "ends_at": later(1)}
    )
    gathering_services.register(leader_a, going_on, None, [{"name": "Kari"}])
    page = leader.get(PAGE).content.decode()
    assert "Pågår" in page and 'value="cancel-registration"' not in page
    answer = leader.post(PAGE, {"action": "cancel-registration", "gathering": going_on.pk})
    assert answer.status_code == 400
    assert "Samlingen har startet" in answer.content.decode()
    assert Registration.objects.filter(gathering=going_on).exists()


def test_an_unknown_action_or_id_changes_nothing(leader, membership, network_y, coordinator_y):
    assert leader.post(PAGE, {"action": "delete-everything"}).status_code == 400
    assert leader.post(PAGE, {"action": "give-consent", "membership": "x"}).status_code == 404
    assert leader.post(PAGE, {"action": "give-consent", "membership": 987654}).status_code == 404
    # a gathering of a network Nordre Land is not in
    other = gathering_services.create_gathering(
        coordinator_y, network_y, {"title": "Y", "starts_at": later(3), "ends_at": later(4)}
    )
    assert leader.post(PAGE, register_body(other, ("Kari", "", ""))).status_code == 404
    assert not Registration.objects.exists() and not OpenComparisonConsent.objects.exists()


# Isolation ----------------------------------------------------------------------------------


def test_another_municipality_cannot_see_or_change_the_memberships(
    leader_b, nesseby, nordre_land, membership, network_y, upcoming
):
    # on Nordre Land's host: nothing for Nesseby's leader
    there = client_for(host_of(nordre_land), leader_b)
    assert there.get(PAGE).status_code == 404
    assert (
        there.post(PAGE, {"action": "give-consent", "membership": membership.pk}).status_code == 404
    )
    assert there.get(f"/nettverk/{membership.pk}/meld-ut/").status_code == 404
    # on its own host: Nordre Land's membership and gathering do not exist
    own = client_for(host_of(nesseby), leader_b)
    page = own.get(PAGE).content.decode()
    assert "Nettverk Y" in page and "Nettverk X" not in page and "Vårsamlingen" not in page
    body = {"action": "sharing", "membership": membership.pk, f"m{membership.pk}-sharing": "plans"}
    assert own.post(PAGE, body).status_code == 404
    assert (
        own.post(PAGE, {"action": "give-consent", "membership": membership.pk}).status_code == 404
    )
    assert own.post(f"/nettverk/{membership.pk}/meld-ut/").status_code == 404
    assert own.post(PAGE, register_body(upcoming, ("Ola", "", ""))).status_code == 404
    membership.refresh_from_db()
    assert (membership.sharing, membership.left_on) == (Sharing.FIGURES, None)
    assert not OpenComparisonConsent.objects.exists() and not Registration.objects.exists()


def test_the_coordinator_gets_404_even_where_plans_are_shared(
    coordinator_x, nordre_land, membership
):
    NetworkMembership.objects.filter(pk=membership.pk).update(sharing=Sharing.PLANS)
    client = client_for(host_of(nordre_land), coordinator_x)
    assert client.get(PAGE).status_code == 404
    assert client.get(f"/nettverk/{membership.pk}/meld-ut/").status_code == 404


def test_anonymous_is_sent_to_login(nordre_land, membership):
    client = client_for(host_of(nordre_land))
    for answer in (client.get(PAGE), client.post(PAGE, {"action": "give-consent"})):
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/?next=")
    assert not OpenComparisonConsent.objects.exists()


# Queries ------------------------------------------------------------------------------------


def _networks(count: int, nordre_land, operator, leader_a) -> None:
    """`count` networks with Nordre Land in each, a coming gathering each, registered."""
    for index in range(count):
        network = LearningNetwork.objects.create(
            name=f"Nettverk {index}", slug=f"nettverk-{index}", organiser=Organiser.KS
        )
        network.municipalities.add(nordre_land)
        gathering = gathering_services.create_gathering(
            operator,
            network,
            {"title": f"Samling {index}", "starts_at": later(5), "ends_at": later(6)},
        )
        gathering_services.register(leader_a, gathering, None, [{"name": "Kari"}, {"name": "Ola"}])
        NetworkMembership.objects.filter(network=network).update(sharing=Sharing.PLANS)


def count_queries(client) -> tuple[int, int]:
    """The page's queries: all of them, and those that are not `SET search_path`."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    asked = [q for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
    return len(queries), len(asked)


def test_the_page_queries_are_the_same_for_one_network_and_five(
    leader, leader_a, nordre_land, operator
):
    leader.get(PAGE)  # warm: content types, translations
    _networks(1, nordre_land, operator, leader_a)
    one, one_asked = count_queries(leader)
    NetworkMembership.objects.filter(municipality=nordre_land).delete()
    LearningNetwork.objects.all().delete()
    _networks(5, nordre_land, operator, leader_a)
    five, five_asked = count_queries(leader)
    assert one == five, (one, five)
    assert one_asked == five_asked == PAGE_QUERIES, (one_asked, five_asked)
