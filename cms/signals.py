"""Role rows changed → the Wagtail groups follow, in the same transaction.

Samla's style keeps business rules out of signals, and here the rule itself lives in
cms.services; the signals only call it. They are used because no service creates or
deletes these rows yet (the demo loader, fixtures and Django's cascades write
CoordinatorRole, ConsultancyMembership and PlatformOperator directly), and a NetworkPage or
ConsultancyPage is created by Wagtail's admin, which has no Samla service to call. When a
roles service appears in samla/accounts, it should call cms.services and these go.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from billing.models import Consultancy
from cms import services
from cms.models import ConsultancyPage, NetworkPage, RoleGroup
from networks.models import LearningNetwork
from samla.accounts.models import ConsultancyMembership, CoordinatorRole, PlatformOperator

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
