"""Who may see and change the catalogue and whose values: lookups that answer 404 for
"not yours".

- The catalogue is shared: every signed-in user reads it; operators and coordinators (of
  a network or a competence base) add and change indicators.
- Values: an operator reads and writes every municipality's. A member of a municipality
  (any role) reads its values; its leader and editors also enter them. A network's
  coordinator reads and enters the values of the network's current members; a competence
  base's coordinator reads those of the base's municipalities. Other municipalities'
  values are never listed to a municipality's users: they see the network's median per
  period, and only where at least `MEDIAN_MINIMUM` members contribute to it.
- A network named in a filter or an import must be one the user may see
  (`networks.access.networks_for`), or it is 404 as for one that does not exist.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from networks.access import coordinates, is_operator, networks_for, open_comparison_in_force
from networks.indicators.models import Indicator, IndicatorValue
from networks.models import CompetenceBase, LearningNetwork, NetworkMembership
from samla.accounts.access import WRITE_ROLES
from samla.accounts.models import CoordinatorRole, MunicipalityMembership
from tenants.models import Municipality

User = AbstractBaseUser | AnonymousUser

# A median over fewer municipalities would let a member work out the others' values.
MEDIAN_MINIMUM = 5


def can_edit_catalogue(user: User) -> bool:
    """Operators and coordinators (of a network or a competence base)."""
    if not user.is_authenticated:
        return False
    return is_operator(user) or CoordinatorRole.objects.filter(user_id=user.pk).exists()


def require_catalogue_editor(user: User) -> None:
    if not can_edit_catalogue(user):
        raise PermissionDenied(
            _("Bare driftsoperatører og nettverkskoordinatorer endrer indikatorkatalogen.")
        )


def get_indicator(indicator_id: int) -> Indicator:
    """An indicator of the catalogue (which every signed-in user reads), or 404."""
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404(_("Fant ikke indikatoren."))
    return indicator


def _coordinated_members(user: User) -> QuerySet[NetworkMembership]:
    networks = CoordinatorRole.objects.filter(user_id=cast(int, user.pk), network__isnull=False)
    return NetworkMembership.objects.current().filter(network_id__in=networks.values("network_id"))


def readable_municipalities(user: User) -> QuerySet[Municipality]:
    """The municipalities whose values the user may read (all of them for operators)."""
    municipalities = Municipality.objects.without_public()
    if not user.is_authenticated or not user.is_active:
        return municipalities.none()
    if is_operator(user):
        return municipalities
    own = MunicipalityMembership.objects.active().filter(user_id=user.pk)
    bases = CoordinatorRole.objects.filter(user_id=user.pk, competence_base__isnull=False)
    in_bases = CompetenceBase.municipalities.through.objects.filter(
        competencebase_id__in=bases.values("competence_base_id")
    )
    return municipalities.filter(
        Q(pk__in=own.values("municipality_id"))
        | Q(pk__in=_coordinated_members(user).values("municipality_id"))
        | Q(pk__in=in_bases.values("municipality_id"))
    )


def writable_municipalities(user: User) -> QuerySet[Municipality]:
    """The municipalities whose values the user may enter or import."""
    municipalities = Municipality.objects.without_public()
    if not user.is_authenticated or not user.is_active:
        return municipalities.none()
    if is_operator(user):
        return municipalities
    own = MunicipalityMembership.objects.active().filter(user_id=user.pk, role__in=WRITE_ROLES)
    return municipalities.filter(
        Q(pk__in=own.values("municipality_id"))
        | Q(pk__in=_coordinated_members(user).values("municipality_id"))
    )


def values_for(
    user: User, indicator: Indicator, network: LearningNetwork | None = None
) -> QuerySet[IndicatorValue]:
    """The indicator's values the user may read; with `network` (one the user sees), of
    its current members only: all of them where the user sees the members by name."""
    values = IndicatorValue.objects.filter(indicator=indicator)
    if network is not None:
        values = values.filter(
            municipality_id__in=current_member_ids(network).values("municipality_id")
        )
        if sees_member_names(user, network):
            return values
    if is_operator(user):
        return values
    return values.filter(municipality_id__in=readable_municipalities(user).values("pk"))


def get_network_for(user: User, network_id: int) -> LearningNetwork:
    network = networks_for(user).filter(pk=network_id).first()
    if network is None:
        raise Http404(_("Fant ikke nettverket."))
    return network


def sees_member_names(user: User, network: LearningNetwork) -> bool:
    """Whether the user sees every member's values by name in the network (the network is
    already one the user may see): operators, its coordinators, and anyone who sees it
    when it compares openly."""
    return is_operator(user) or coordinates(user, network) or open_comparison_in_force(network)


def current_member_ids(network: LearningNetwork) -> QuerySet[NetworkMembership]:
    return NetworkMembership.objects.current().filter(network=network)
