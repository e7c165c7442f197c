"""Members-only pages carry a Wagtail view restriction to their network's readers group,
kept in step with membership; Samla's rows (cms.access) still decide at serve time."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page, PageViewRestriction

from cms.models import ContentPage, NetworkPage
from cms.services import network_readers, sync_all
from networks.models import NetworkMembership
from samla.accounts.models import MunicipalityMembership, MunicipalityRole
from tests.cms.conftest import make_user, public_client
from tests.cms.pages import path_of
from tests.conftest import make_member

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)
TOMORROW = datetime.date.today() + datetime.timedelta(days=1)


def readers_of(network) -> Group:
    return Group.objects.get(samla_readers_of__network=network)


def restriction_groups(page: Page) -> list[list[str]]:
    return [
        sorted(restriction.groups.values_list("name", flat=True))
        for restriction in PageViewRestriction.objects.filter(page=page)
    ]


@pytest.fixture
def restricted(page_a) -> ContentPage:
    return page_a.add_child(instance=ContentPage(title="Bare for medlemmer", members_only=True))


def test_members_only_page_has_a_restriction_to_its_networks_readers(restricted, page_b):
    assert restriction_groups(restricted) == [["KS Trøndelag samhandling: medlemmer"]]
    restriction = PageViewRestriction.objects.get(page=restricted)
    assert restriction.restriction_type == PageViewRestriction.GROUPS
    # Wagtail's own machinery now sees the page as private.
    assert not Page.objects.public().filter(pk=restricted.pk).exists()
    assert list(Page.objects.not_public().filter(pk=restricted.pk)) == [restricted.page_ptr]


def test_readers_are_member_municipalities_users_and_coordinators(
    restricted, nordre_land, nesseby, network_b, coordinator_a, coordinator_b, operator
):
    member = make_member(nordre_land, "leser.nordre-land")
    outsider = make_member(nesseby, "leser.nesseby")
    readers = set(readers_of(restricted.get_parent().specific.network).user_set.all())
    assert readers == {member, coordinator_a}
    assert outsider not in readers and coordinator_b not in readers and operator not in readers
    # Network B's readers are its own.
    assert set(readers_of(network_b).user_set.all()) == {outsider, coordinator_b}


def test_leaving_the_network_takes_its_users_out_of_the_group(restricted, nordre_land, network_a):
    member = make_member(nordre_land, "leser.nordre-land")
    assert member in readers_of(network_a).user_set.all()
    membership = NetworkMembership.objects.get(network=network_a, municipality=nordre_land)
    membership.left_on = datetime.date.today()
    membership.save()
    assert member not in readers_of(network_a).user_set.all()
    assert public_client(member).get(path_of(restricted)).status_code == 404


def test_removing_the_municipality_from_the_network_takes_its_users_out(
    restricted, nordre_land, network_a
):
    member = make_member(nordre_land, "leser.nordre-land")
    network_a.municipalities.remove(nordre_land)
    assert member not in readers_of(network_a).user_set.all()


def test_a_deleted_municipality_membership_leaves_the_group(restricted, nordre_land, network_a):
    member = make_member(nordre_land, "leser.nordre-land")
    MunicipalityMembership.objects.filter(user=member).delete()
    assert member not in readers_of(network_a).user_set.all()


def test_an_ended_consultant_role_leaves_the_group_at_the_nightly_sync(
    restricted, nordre_land, network_a
):
    consultant = make_member(
        nordre_land, "konsulent.nl", role=MunicipalityRole.CONSULTANT, valid_until=TOMORROW
    )
    assert consultant in readers_of(network_a).user_set.all()
    # Time passes: the end date is behind us, and no row was saved.
    MunicipalityMembership.objects.filter(user=consultant).update(valid_until=YESTERDAY)
    assert consultant in readers_of(network_a).user_set.all()
    # The rows decide at once, whatever the group says.
    assert public_client(consultant).get(path_of(restricted)).status_code == 404
    call_command("sync_cms_roles")
    assert consultant not in readers_of(network_a).user_set.all()


def test_a_network_left_by_update_is_repaired_by_sync_all(restricted, nordre_land, network_a):
    member = make_member(nordre_land, "leser.nordre-land")
    network_a.memberships.update(left_on=datetime.date.today())
    assert member in readers_of(network_a).user_set.all()
    sync_all()
    assert member not in readers_of(network_a).user_set.all()
    assert list(readers_of(network_a).user_set.all()) == list(network_readers(network_a))


def test_unchecking_members_only_removes_the_restriction(restricted):
    restricted.members_only = False
    restricted.save()
    assert restriction_groups(restricted) == []
    assert Page.objects.public().filter(pk=restricted.pk).exists()
    assert public_client().get(path_of(restricted)).status_code == 200


def test_publishing_a_revision_with_members_only_adds_the_restriction(page_a):
    page = page_a.add_child(instance=ContentPage(title="Åpen side"))
    assert restriction_groups(page) == []
    page.members_only = True
    page.save_revision().publish()
    assert restriction_groups(page) == [["KS Trøndelag samhandling: medlemmer"]]
    page.members_only = False
    page.save_revision().publish()
    assert restriction_groups(page) == []


def test_samlas_rule_decides_when_the_group_lags(restricted, nordre_land, network_a, operator):
    member = make_member(nordre_land, "leser.nordre-land")
    readers_of(network_a).user_set.remove(member)
    assert public_client(member).get(path_of(restricted)).status_code == 200
    # Operators are in no readers group and read every page.
    assert public_client(operator).get(path_of(restricted)).status_code == 200
    outsider = make_user("ingen")
    readers_of(network_a).user_set.add(outsider)
    assert public_client(outsider).get(path_of(restricted)).status_code == 404
    assert public_client().get(path_of(restricted)).status_code == 302


def test_a_restriction_made_by_hand_is_still_wagtails_to_check(page_a, nordre_land):
    page = page_a.add_child(instance=ContentPage(title="Passord"))
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    member = make_member(nordre_land, "leser.nordre-land")
    response = public_client(member).get(path_of(page))
    assert response.status_code == 200
    assert f"/_util/authenticate_with_password/{restriction.pk}/" in response.content.decode()
    # Saving the page leaves a restriction Samla did not make.
    page.save()
    assert PageViewRestriction.objects.filter(pk=restriction.pk).exists()


def test_members_only_outside_any_network_has_no_restriction(
    consultancy_page, nordre_land, nesseby
):
    page = consultancy_page.add_child(instance=ContentPage(title="Program", members_only=True))
    assert restriction_groups(page) == []
    # The rule of cms.access as before: anyone with a municipality role reads it.
    reader = make_member(nesseby, "leser.nesseby")
    assert public_client(reader).get(path_of(page)).status_code == 200
    assert public_client(make_user("ingen")).get(path_of(page)).status_code == 404
    assert public_client().get(path_of(page)).status_code == 302
    sync_all()
    assert restriction_groups(page) == []


def test_a_page_moved_to_another_network_follows_it(restricted, page_b):
    restricted.move(page_b, pos="last-child")
    assert restriction_groups(restricted) == [["Finnmark 0–24: medlemmer"]]
    restricted.refresh_from_db()
    restricted.move(NetworkPage.objects.get(pk=restricted.get_parent().pk).get_parent())
    # Under the home page a ContentPage is not allowed by the tree rules, but a move by
    # code still leaves no readers group of a network it left.
    assert restriction_groups(restricted) == []


def test_a_deleted_network_takes_its_readers_group(network_b, coordinator_b):
    group_id = readers_of(network_b).pk
    network_b.delete()
    assert not Group.objects.filter(pk=group_id).exists()


def test_the_nightly_beat_entry_runs_the_sync(restricted, nordre_land, network_a):
    from django.conf import settings

    from cms.tasks import sync_roles

    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert entries.count("cms.sync_roles") == 1
    member = make_member(nordre_land, "leser.nordre-land")
    network_a.memberships.update(left_on=datetime.date.today())
    sync_roles.apply()
    assert member not in readers_of(network_a).user_set.all()
