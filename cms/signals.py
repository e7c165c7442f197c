"""Role rows changed → the Wagtail groups follow, in the same transaction.

Samla's style keeps business rules out of signals, and here the rule itself lives in
cms.services; the signals only call it. They are used because no service creates or
deletes these rows yet (the demo loader, fixtures and Django's cascades write
CoordinatorRole, ConsultancyMembership and PlatformOperator directly), and a NetworkPage or
ConsultancyPage is created by Wagtail's admin, which has no Samla service to call. The
same holds for a network's readers (MunicipalityMembership and NetworkMembership rows) and
for a page's members-only mark, saved by Wagtail's admin. When a
roles service appears in samla/accounts, it should call cms.services and these go.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.signals import post_page_move

from billing.models import Consultancy
from cms import services
from cms.models import ConsultancyPage, NetworkPage, RoleGroup
from cms.models.pages import SamlaPage
from networks.models import LearningNetwork, NetworkMembership
from samla.accounts.models import (
    ConsultancyMembership,
    CoordinatorRole,
    MunicipalityMembership,
    PlatformOperator,
)

# Networks and consultancies whose deletion is under way in this thread: their role rows
# go with them (cascade), and their group is deleted, not synced back into existence.
_deleting = threading.local()


def _deletions() -> set[tuple[type, int | None]]:
    keys: set[tuple[type, int | None]] = getattr(_deleting, "keys", set())
    return keys


def _being_deleted(model: type, pk: int | None) -> bool:
    return (model, pk) in _deletions()


@receiver(pre_delete, sender=LearningNetwork)
@receiver(pre_delete, sender=Consultancy)
def owner_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    _deleting.keys = {*_deletions(), (sender, instance.pk)}
    field = "network" if sender is LearningNetwork else "consultancy"
    instance._cms_group_ids = list(
        RoleGroup.objects.filter(**{field: instance}).values_list("group_id", flat=True)
    )


@receiver(post_delete, sender=LearningNetwork)
@receiver(post_delete, sender=Consultancy)
def owner_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    _deleting.keys = _deletions() - {(sender, instance.pk)}
    services.delete_role_groups(getattr(instance, "_cms_group_ids", []))


@receiver([post_save, post_delete], sender=CoordinatorRole)
def coordinator_role_changed(sender: Any, instance: CoordinatorRole, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.network_id is None:
        return
    if _being_deleted(LearningNetwork, instance.network_id):
        return
    services.sync_network(instance.network_id)


@receiver([post_save, post_delete], sender=ConsultancyMembership)
def consultancy_membership_changed(
    sender: Any, instance: ConsultancyMembership, **kwargs: Any
) -> None:
    if kwargs.get("raw") or _being_deleted(Consultancy, instance.consultancy_id):
        return
    services.sync_consultancy(instance.consultancy_id)


@receiver([post_save, post_delete], sender=PlatformOperator)
def operator_changed(sender: Any, instance: PlatformOperator, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    services.sync_operators()


@receiver(post_save, sender=NetworkPage)
def network_page_saved(sender: Any, instance: NetworkPage, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        services.sync_network(instance.network_id)


@receiver(post_save, sender=ConsultancyPage)
def consultancy_page_saved(
    sender: Any, instance: ConsultancyPage, created: bool, **kwargs: Any
) -> None:
    if created and not kwargs.get("raw"):
        services.sync_consultancy(instance.consultancy_id)


@receiver([post_save, post_delete], sender=NetworkMembership)
def network_membership_changed(sender: Any, instance: NetworkMembership, **kwargs: Any) -> None:
    if kwargs.get("raw") or _being_deleted(LearningNetwork, instance.network_id):
        return
    services.sync_network_readers(instance.network_id)


@receiver(m2m_changed, sender=LearningNetwork.municipalities.through)
def network_municipalities_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    """`network.municipalities.add(...)` writes NetworkMembership rows without post_save."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, LearningNetwork):
        network_ids = {instance.pk}
    else:
        network_ids = set(kwargs.get("pk_set") or ())
        if action == "post_clear" or not network_ids:
            network_ids = set(LearningNetwork.objects.values_list("pk", flat=True))
    for network_id in sorted(network_ids):
        if not _being_deleted(LearningNetwork, network_id):
            services.sync_network_readers(network_id)


@receiver([post_save, post_delete], sender=MunicipalityMembership)
def municipality_membership_changed(
    sender: Any, instance: MunicipalityMembership, **kwargs: Any
) -> None:
    if kwargs.get("raw"):
        return
    network_ids = set(
        NetworkMembership.objects.filter(municipality_id=instance.municipality_id).values_list(
            "network_id", flat=True
        )
    )
    for network_id in sorted(network_ids):
        if not _being_deleted(LearningNetwork, network_id):
            services.sync_network_readers(network_id)


@receiver(post_save)
def page_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A Samla page saved (or published) with or without its members-only mark."""
    if kwargs.get("raw") or not isinstance(instance, SamlaPage):
        return
    services.sync_page_restriction(instance)


@receiver(post_page_move)
def page_moved_under(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A moved page may now be under another network (or none): its subtree follows."""
    for page in instance.get_descendants(inclusive=True).specific():
        if isinstance(page, SamlaPage):
            services.sync_page_restriction(page)
