"""Wagtail's permissions kept in step with Samla's roles: groups follow role rows.

Samla's roles are rows (CoordinatorRole, ConsultancyMembership, PlatformOperator);
Wagtail's admin asks Django groups and its page and collection permissions. Each
network and consultancy gets one Wagtail group (`RoleGroup`) whose members are exactly
its coordinators or members, with admin access, page permissions on its page's subtree
and a document and image collection of its own; operators share one group that
administers the whole tree and the collaboration-method catalogue. Nobody edits these
groups by hand: `sync_*` writes them from the rows, each in one transaction, and
`sync_all` (also `manage.py sync_cms_roles`) repairs everything.

Each network also has a readers group ("<network>: medlemmer"): the users of its current
member municipalities and its coordinators. Its members-only pages carry a Wagtail view
restriction to that group, so Wagtail's own machinery (the admin's privacy marks, its
API's `public()`) sees them as restricted. The group lags time-based changes (a
consultant's end date) until the nightly `sync_all`; serving still asks `cms.access`,
which reads the rows at request time and has the last word (`cms/wagtail_hooks.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageViewRestriction,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from billing.models import Consultancy
from cms.models import (
    CollaborationMethod,
    ConsultancyPage,
    HomePage,
    NetworkPage,
)
from cms.models.roles import RoleGroup, RoleGroupKind
from networks.models import LearningNetwork, NetworkMembership
from samla.accounts.models import CoordinatorRole, MunicipalityMembership, User

# On their own page and below: create, edit, publish (Wagtail's moderation still lets
# an operator's workflow be added later), lock and unlock while editing.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
OPERATOR_PAGE_PERMISSIONS = (*EDITOR_PAGE_PERMISSIONS, "bulk_delete_page")
EDITOR_COLLECTION_PERMISSIONS = ("add", "change", "choose")
OPERATOR_COLLECTION_PERMISSIONS = ("add", "change", "delete", "choose")
GROUP_NAME_LENGTH = 150


def _permissions(model: type, actions: Iterable[str]) -> list[Permission]:
    content_type = ContentType.objects.get_for_model(model)
    codenames = [f"{action}_{content_type.model}" for action in actions]
    return list(Permission.objects.filter(content_type=content_type, codename__in=codenames))


def _admin_access() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def _page_permissions(codenames: Iterable[str]) -> list[Permission]:
    content_type = ContentType.objects.get_for_model(Page)
    return list(Permission.objects.filter(content_type=content_type, codename__in=codenames))


def _set_page_permissions(group: Group, page: Page | None, codenames: Iterable[str]) -> None:
    """The group's page permissions become exactly `codenames` on `page` (none if no page)."""
    wanted = {(page.pk, p.pk) for p in _page_permissions(codenames)} if page else set()
    existing = {
        (row.page_id, row.permission_id): row.pk
        for row in GroupPagePermission.objects.filter(group=group)
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    GroupPagePermission.objects.filter(pk__in=stale).delete()
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group=group, page_id=page_id, permission_id=permission_id)
            for page_id, permission_id in wanted - existing.keys()
        ]
    )


def _set_collection_permissions(
    group: Group, collection: Collection | None, actions: Iterable[str]
) -> None:
    wanted: set[tuple[int, int]] = set()
    if collection is not None:
        # Wagtail checks its base models' permissions for custom image and document models.
        for model in (Document, Image):
            wanted |= {(collection.pk, p.pk) for p in _permissions(model, actions)}
    existing = {
        (row.collection_id, row.permission_id): row.pk
        for row in GroupCollectionPermission.objects.filter(group=group)
    }
    GroupCollectionPermission.objects.filter(
        pk__in=[pk for key, pk in existing.items() if key not in wanted]
    ).delete()
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(group=group, collection_id=c, permission_id=p)
            for c, p in wanted - existing.keys()
        ]
    )


def _own_collection(role_group: RoleGroup, name: str) -> Collection:
    """The role's document and image collection, under the root, named like its group."""
    collection = role_group.collection
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=name)
        role_group.collection = collection
        role_group.save(update_fields=["collection"])
    elif collection.name != name:
        collection.name = name
        collection.save(update_fields=["name"])
    return collection


def _own_workflow(role_group: RoleGroup, page: Page | None) -> Workflow:
    """The role's approval workflow (one task: its own group approves), on its page."""
    group = role_group.group
    name = _("Godkjenning: %(group)s") % {"group": group.name}
    workflow = role_group.workflow
    if workflow is None:
        workflow = Workflow.objects.create(name=name[:255])
        task = GroupApprovalTask.objects.create(name=name[:255])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        role_group.workflow = workflow
        role_group.save(update_fields=["workflow"])
    elif workflow.name != name or not workflow.active:
        workflow.name = name[:255]
        workflow.active = True
        workflow.save(update_fields=["name", "active"])
    for task in workflow.tasks.specific():
        if isinstance(task, GroupApprovalTask):
            task.groups.set([group])
    if page is not None:
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


def _free_name(name: str, tiebreak: str, role_group: RoleGroup | None) -> str:
    """`name`, or `name (tiebreak)` when another role's group has it (networks' names
    need not be unique)."""
    name = name[:GROUP_NAME_LENGTH]
    taken = Group.objects.filter(name=name, samla_role__isnull=False)
    if role_group is not None:
        taken = taken.exclude(pk=role_group.group_id)
    if not taken.exists():
        return name
    suffix = f" ({tiebreak})"
    return name[: GROUP_NAME_LENGTH - len(suffix)] + suffix


def _sync_editors(
    role_group: RoleGroup | None,
    kind: str,
    name: str,
    tiebreak: str,
    page: Page | None,
    members: Iterable[User],
    **owner: object,
) -> Group:
    """An owner's group (a network's, a consultancy's): admin access, editing the owner's
    page subtree and collection, its own approval workflow, exactly these members."""
    role_group = _group_for(role_group, kind, name, tiebreak, **owner)
    group = role_group.group
    group.permissions.set([_admin_access()])
    _set_page_permissions(group, page, EDITOR_PAGE_PERMISSIONS)
    _own_workflow(role_group, page)
    collection = _own_collection(role_group, group.name)
    _set_collection_permissions(group, collection, EDITOR_COLLECTION_PERMISSIONS)
    _set_members(group, members)
    return group


def _group_for(
    role_group: RoleGroup | None, kind: str, name: str, tiebreak: str, **owner: object
) -> RoleGroup:
    name = _free_name(name, tiebreak, role_group)
    if role_group is None:
        # A group of that name not owned by Samla (made by hand) is taken over.
        group, _created = Group.objects.get_or_create(name=name)
        role_group = RoleGroup.objects.create(group=group, kind=kind, **owner)
    elif role_group.group.name != name:
        role_group.group.name = name
        role_group.group.save(update_fields=["name"])
    return role_group


def _set_members(group: Group, users: Iterable[User]) -> None:
    group.user_set.set(list(users))


def sync_network(network_id: int) -> Group | None:
    """The network's group: its coordinators, editing its NetworkPage's subtree.

    Returns the group, or None when the network no longer exists.
    """
    with transaction.atomic():
        network = LearningNetwork.objects.filter(pk=network_id).first()
        if network is None:
            return None
        group = _sync_editors(
            RoleGroup.objects.select_related("group", "collection").filter(network=network).first(),
            RoleGroupKind.NETWORK,
            _("Nettverk: %(name)s") % {"name": network.name},
            network.slug,
            NetworkPage.objects.filter(network=network).first(),
            User.objects.filter(
                coordinator_roles__network=network, is_active=True, is_integration=False
            ),
            network=network,
        )
        sync_network_readers(network.pk)
        return group


def network_readers(network: LearningNetwork) -> QuerySet[User]:
    """Who the network's members-only pages are for, operators aside (they read every
    page without a group): active users with an active role in a current member
    municipality, and the network's coordinators (the rule of `cms.access`)."""
    municipalities = NetworkMembership.objects.current().filter(network=network)
    memberships = MunicipalityMembership.objects.active().filter(
        municipality_id__in=municipalities.values("municipality_id")
    )
    return User.objects.filter(
        Q(pk__in=memberships.values("user_id"))
        | Q(pk__in=CoordinatorRole.objects.filter(network=network).values("user_id")),
        is_active=True,
        is_integration=False,
    )


def _readers_name(network: LearningNetwork, group: Group | None) -> str:
    """ "<network>: medlemmer", or with the slug when another group has that name."""
    suffix = _(": medlemmer")
    name = network.name[: GROUP_NAME_LENGTH - len(suffix)] + suffix
    taken = Group.objects.filter(name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if not taken.exists():
        return name
    tiebreak = f" ({network.slug})"
    return network.name[: GROUP_NAME_LENGTH - len(suffix) - len(tiebreak)] + suffix + tiebreak


def _sync_readers(role_group: RoleGroup, network: LearningNetwork) -> Group:
    group = role_group.readers
    name = _readers_name(network, group)
    if group is None:
        group = Group.objects.create(name=name)
        role_group.readers = group
        role_group.save(update_fields=["readers"])
    elif group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    group.permissions.clear()
    _set_members(group, network_readers(network))
    return group


def sync_network_readers(network_id: int) -> Group | None:
    """The network's readers group from the rows, and the view restrictions of the
    members-only pages under its NetworkPage. None when the network no longer exists
    (or has no role group yet: `sync_network` makes one)."""
    with transaction.atomic():
        role_group = (
            RoleGroup.objects.select_related("readers", "network")
            .filter(network_id=network_id)
            .first()
        )
        if role_group is None or role_group.network is None:
            return None
        group = _sync_readers(role_group, role_group.network)
        for network_page in NetworkPage.objects.filter(network_id=network_id):
            subtree = network_page.get_descendants(inclusive=True)
            restricted = set(
                subtree.filter(
                    view_restrictions__groups__samla_readers_of__isnull=False
                ).values_list("pk", flat=True)
            )
            for page in subtree.specific():
                if getattr(page, "members_only", False) or page.pk in restricted:
                    sync_page_restriction(page)
        return group


def _managed_restrictions(page: Page) -> QuerySet[PageViewRestriction]:
    """The page's own view restrictions that Samla keeps (to a network's readers)."""
    restrictions: QuerySet[PageViewRestriction] = PageViewRestriction.objects.filter(
        page=page,
        restriction_type=PageViewRestriction.GROUPS,
        groups__samla_readers_of__isnull=False,
    ).distinct()
    return restrictions


def sync_page_restriction(page: Page) -> PageViewRestriction | None:
    """A members-only page under a network gets one view restriction to the network's
    readers; any other page has none from Samla (restrictions made by hand are left).

    A members-only page outside every network has none: `cms.access` lets anyone with a
    current municipality role read it, and no group stands for them.
    """
    from cms.access import network_of

    with transaction.atomic():
        page = page.specific
        group = None
        if getattr(page, "members_only", False):
            network = network_of(page)
            if network is not None:
                role_group = RoleGroup.objects.filter(network=network).first()
                if role_group is None or role_group.readers_id is None:
                    sync_network(network.pk)
                    role_group = RoleGroup.objects.filter(network=network).first()
                group = role_group.readers if role_group is not None else None
        managed = list(_managed_restrictions(page).order_by("pk"))
        if group is None:
            PageViewRestriction.objects.filter(pk__in=[r.pk for r in managed]).delete()
            return None
        if managed:
            restriction = managed[0]
            PageViewRestriction.objects.filter(pk__in=[r.pk for r in managed[1:]]).delete()
        else:
            restriction = PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.GROUPS
            )
        restriction.groups.set([group])
        return restriction


def sync_consultancy(consultancy_id: int) -> Group | None:
    """The consultancy's group: its members, editing its ConsultancyPage's subtree."""
    with transaction.atomic():
        consultancy = Consultancy.objects.filter(pk=consultancy_id).first()
        if consultancy is None:
            return None
        return _sync_editors(
            RoleGroup.objects.select_related("group", "collection")
            .filter(consultancy=consultancy)
            .first(),
            RoleGroupKind.CONSULTANCY,
            _("Konsulent: %(name)s") % {"name": consultancy.name},
            consultancy.slug,
            ConsultancyPage.objects.filter(consultancy=consultancy).first(),
            User.objects.filter(
                consultancy_roles__consultancy=consultancy, is_active=True, is_integration=False
            ),
            consultancy=consultancy,
        )


def sync_operators() -> Group:
    """The operators' group: the whole page tree, every collection, the method catalogue."""
    with transaction.atomic():
        role_group = _group_for(
            RoleGroup.objects.select_related("group").filter(kind=RoleGroupKind.OPERATORS).first(),
            RoleGroupKind.OPERATORS,
            _("Drift"),
            "samla",
        )
        group = role_group.group
        group.permissions.set(
            [
                _admin_access(),
                *_permissions(CollaborationMethod, ("add", "change", "delete", "view")),
            ]
        )
        _set_page_permissions(group, Page.get_first_root_node(), OPERATOR_PAGE_PERMISSIONS)
        # The shared pages (home, tools, news) are approved by operators, instead of
        # Wagtail's default workflow whose "Moderators" group nobody is in.
        _own_workflow(role_group, HomePage.objects.first())
        _set_collection_permissions(
            group, Collection.get_first_root_node(), OPERATOR_COLLECTION_PERMISSIONS
        )
        _set_members(group, User.objects.filter(operator_role__isnull=False, is_active=True))
        return group


def sync_all() -> None:
    """Every role group from the rows; groups of deleted networks and consultancies go."""
    sync_operators()
    for network_id in LearningNetwork.objects.values_list("pk", flat=True):
        sync_network(network_id)
    for consultancy_id in Consultancy.objects.values_list("pk", flat=True):
        sync_consultancy(consultancy_id)
    with transaction.atomic():
        # Members-only pages outside every network, or moved out of one, lose theirs.
        for page in Page.objects.filter(view_restrictions__groups__samla_readers_of__isnull=False):
            sync_page_restriction(page)
        orphans = RoleGroup.objects.filter(
            kind__in=[RoleGroupKind.NETWORK, RoleGroupKind.CONSULTANCY],
            network__isnull=True,
            consultancy__isnull=True,
        )
        delete_role_groups(orphans.values_list("group_id", flat=True))


def delete_role_groups(group_ids: Iterable[int]) -> None:
    """Delete the groups of a network or consultancy that is being deleted (with their
    page and collection permissions; the collection and its documents stay)."""
    group_ids = list(group_ids)
    readers = RoleGroup.objects.filter(group_id__in=group_ids, readers__isnull=False)
    group_ids += list(readers.values_list("readers_id", flat=True))
    workflows = Workflow.objects.filter(samla_role__group_id__in=group_ids)
    Task.objects.filter(workflow_tasks__workflow__in=workflows).update(active=False)
    workflows.update(active=False)
    Group.objects.filter(
        Q(samla_role__isnull=False) | Q(samla_readers_of__isnull=False), pk__in=group_ids
    ).delete()


def ensure_home_page() -> HomePage:
    """Samla's home page as the default site's root (idempotent).

    Wagtail's first migration makes a placeholder page ("Welcome to your new Wagtail
    site!") and a default site on it; the placeholder is replaced while it has no children.
    """
    from wagtail.models import Site

    with transaction.atomic():
        home: HomePage | None = HomePage.objects.first()
        root = Page.get_first_root_node()
        if home is None:
            home = root.add_child(instance=HomePage(title="Samla", slug="samla"))
            # Its approval workflow is the operators'.
            sync_operators()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True,
                site_name="Samla",
            )  # fmt: skip
        elif site.root_page_id != home.pk:
            placeholder = site.root_page
            site.root_page = home
            site.site_name = "Samla"
            site.save()
            if type(placeholder.specific) is Page and not placeholder.get_children().exists():
                placeholder.delete()
        return home
