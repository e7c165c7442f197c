"""Who edits follows Samla's roles: Wagtail groups kept in step with the role rows."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import GroupPagePermission, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms.models import ContentPage, NetworkPage, RoleGroup
from cms.services import sync_all, sync_network
from networks.models import LearningNetwork, Organiser
from samla.accounts.models import CoordinatorRole
from tests.cms.conftest import make_user, public_client
from tests.conftest import make_member


def edit_data(page: NetworkPage, title: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": page.slug,
            "network": page.network_id,
            "intro": rich_text("<p>Oppdatert</p>"),
            "comments": inline_formset([]),
        }
    )


def latest_title(page: Page) -> str:
    revision = page.get_latest_revision()
    return revision.as_object().title if revision else page.title


def test_network_group_holds_exactly_the_coordinators(page_a, coordinator_a, coordinator_b):
    group = Group.objects.get(samla_role__network=page_a.network)
    assert group.name == "Nettverk: KS Trøndelag samhandling"
    assert list(group.user_set.all()) == [coordinator_a]
    assert coordinator_a.has_perm("wagtailadmin.access_admin")


def test_coordinator_edits_own_network_pages(page_a, page_b, coordinator_a):
    assert page_a.permissions_for_user(coordinator_a).can_edit()
    assert page_a.permissions_for_user(coordinator_a).can_publish()
    assert page_a.permissions_for_user(coordinator_a).can_add_subpage()
    client = public_client(coordinator_a)
    assert client.get(f"/cms/pages/{page_a.pk}/edit/").status_code == 200
    response = client.post(f"/cms/pages/{page_a.pk}/edit/", edit_data(page_a, "KS Trøndelag 2026"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert latest_title(NetworkPage.objects.get(pk=page_a.pk)) == "KS Trøndelag 2026"


def test_coordinator_of_another_network_is_refused_and_nothing_is_saved(
    page_a, page_b, coordinator_a
):
    assert not page_b.permissions_for_user(coordinator_a).can_edit()
    client = public_client(coordinator_a)
    response = client.get(f"/cms/pages/{page_b.pk}/edit/", follow=True)
    assert "Beklager, du har ikke tilgang" in response.content.decode()
    before = page_b.get_latest_revision()
    response = client.post(f"/cms/pages/{page_b.pk}/edit/", edit_data(page_b, "Kapret"))
    assert response.status_code in (302, 403)
    page_b.refresh_from_db()
    assert page_b.title == "Finnmark"
    assert page_b.get_latest_revision() == before
    # Nor may they add a page under it.
    response = client.post(
        f"/cms/pages/add/cms/contentpage/{page_b.pk}/",
        nested_form_data({"title": "Inn bakdøra", "slug": "inn", "comments": inline_formset([])}),
    )
    assert response.status_code in (302, 403)
    assert not ContentPage.objects.exists()


def test_removing_the_coordinator_role_removes_the_permission(page_a, coordinator_a):
    CoordinatorRole.objects.filter(user=coordinator_a, network=page_a.network).delete()
    coordinator_a = type(coordinator_a).objects.get(pk=coordinator_a.pk)
    assert not page_a.permissions_for_user(coordinator_a).can_edit()
    assert not coordinator_a.groups.exists()
    assert public_client(coordinator_a).get("/cms/").status_code == 302


def test_role_given_before_the_page_exists_reaches_the_page_when_it_is_made(
    home, network_a, coordinator_a
):
    page = home.add_child(instance=NetworkPage(title="Ny", network=network_a))
    assert page.permissions_for_user(coordinator_a).can_edit()


def test_consultancy_member_edits_only_its_page_subtree(consultancy_page, page_a, consultant):
    child = consultancy_page.add_child(instance=ContentPage(title="Programpakke 0–24"))
    assert consultancy_page.permissions_for_user(consultant).can_edit()
    assert child.permissions_for_user(consultant).can_edit()
    assert not page_a.permissions_for_user(consultant).can_edit()
    assert not page_a.get_parent().permissions_for_user(consultant).can_edit()
    assert public_client(consultant).get(f"/cms/pages/{page_a.pk}/edit/").status_code == 302


def test_operator_administers_every_page(page_a, page_b, operator):
    for page in (page_a, page_b, page_a.get_parent()):
        assert page.permissions_for_user(operator).can_edit()
    assert operator.has_perm("cms.change_collaborationmethod")


def test_municipal_user_has_no_group_and_no_admin(page_a, nordre_land):
    user = make_member(nordre_land, "leder.nordre-land")
    # Only the network's readers group (members-only pages), which grants nothing.
    assert list(user.groups.all()) == [Group.objects.get(samla_readers_of__network=page_a.network)]
    assert not user.groups.filter(samla_role__isnull=False).exists()
    assert not user.has_perm("wagtailadmin.access_admin")
    assert not page_a.permissions_for_user(user).can_edit()


def test_sync_all_is_idempotent_and_repairs_hand_edits(page_a, coordinator_a):
    group = Group.objects.get(samla_role__network=page_a.network)
    intruder = make_user("inntrenger")
    group.user_set.add(intruder)
    GroupPagePermission.objects.filter(group=group).delete()
    call_command("sync_cms_roles")
    sync_all()
    assert list(group.user_set.all()) == [coordinator_a]
    assert page_a.permissions_for_user(coordinator_a).can_edit()
    assert RoleGroup.objects.filter(network=page_a.network).count() == 1


def test_a_deleted_networks_group_goes_with_it():
    network = LearningNetwork.objects.create(name="Kortvarig", slug="kort", organiser=Organiser.KS)
    CoordinatorRole.objects.create(user=make_user("kort.koordinator"), network=network)
    group = Group.objects.get(samla_role__network=network)
    # The role rows go by cascade; the group is deleted, not synced back into existence.
    network.delete()
    assert not Group.objects.filter(pk=group.pk).exists()
    assert not RoleGroup.objects.exists()


def test_sync_all_deletes_groups_left_without_their_network():
    network = LearningNetwork.objects.create(name="Kortvarig", slug="kort", organiser=Organiser.KS)
    group = sync_network(network.pk)
    assert group is not None
    RoleGroup.objects.filter(group=group).update(network=None)
    sync_all()
    assert not Group.objects.filter(pk=group.pk).exists()


def test_networks_with_the_same_name_get_a_group_each(network_a):
    twin = LearningNetwork.objects.create(
        name=network_a.name, slug="tvilling", organiser=Organiser.KS
    )
    CoordinatorRole.objects.create(user=make_user("k.a"), network=network_a)
    CoordinatorRole.objects.create(user=make_user("k.tvilling"), network=twin)
    names = set(Group.objects.filter(samla_role__isnull=False).values_list("name", flat=True))
    assert {
        "Nettverk: KS Trøndelag samhandling",
        "Nettverk: KS Trøndelag samhandling (tvilling)",
    } <= names


# Submit for approval ------------------------------------------------------------------------


def test_a_coordinators_submission_is_approved_by_the_networks_own_coordinators(
    page_a, network_a, coordinator_a, coordinator_b
):
    colleague = make_user("koordinator.a2")
    CoordinatorRole.objects.create(user=colleague, network=network_a)
    page_a.title = "KS Trøndelag – ny tekst"
    revision = page_a.save_revision(user=coordinator_a)
    workflow = page_a.get_workflow()
    assert workflow is not None and workflow.name.startswith("Godkjenning: Nettverk: KS")
    state = workflow.start(page_a, coordinator_a)
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(page_a, colleague)
    assert not task.get_actions(page_a, coordinator_b)
    task_state.approve(user=colleague)
    page_a.refresh_from_db()
    assert page_a.live_revision_id == revision.pk
    assert page_a.title == "KS Trøndelag – ny tekst"


def test_shared_pages_are_approved_by_operators(home, operator, coordinator_a):
    workflow = home.get_workflow()
    assert workflow is not None
    task = workflow.tasks.specific().get()
    assert list(task.groups.all()) == [Group.objects.get(samla_role__kind="operators")]
    assert not task.get_actions(home, coordinator_a)
