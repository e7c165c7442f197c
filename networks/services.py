"""Every change to a network's members: plain functions, the acting user explicit, one
transaction each.

Operators and a network's coordinators add and remove members; a municipality's leader
sets what the municipality shares with a network and can leave it. The network row (or
the membership row) is locked first, so two changes of one network are serialised.
Refusals are Django's ValidationError (keyed by field, in Norwegian) or PermissionDenied;
nothing is written when anything is wrong. A municipality that left keeps its ended row
(`left_on`) and gets a new one if it joins again.

Open comparison: each member's leader gives (or withdraws) the municipality's consent;
the coordinator turns the network's switch on only when every current member has a
standing consent (400 naming the missing ones otherwise). A withdrawn consent or a new
member turns the switch off in the same transaction: open comparison is never in force
for a municipality that has not agreed to it (`networks.access.open_comparison_in_force`
checks the same at read time).
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.access import missing_consents, require_member_manager
from networks.models import LearningNetwork, NetworkMembership, OpenComparisonConsent, Sharing
from samla.accounts.access import active_membership
from samla.accounts.models import MunicipalityRole
from tenants.models import Municipality


def _lock(network: LearningNetwork) -> LearningNetwork:
    return LearningNetwork.objects.select_for_update().get(pk=network.pk)


def _municipality(municipality_id: object) -> Municipality:
    """A real municipality (not the public schema's row) by id, or a field error."""
    try:
        pk = int(str(municipality_id))
    except (TypeError, ValueError):
        raise ValidationError({"municipality": [_("Oppgi kommunens id (et heltall).")]}) from None
    found = Municipality.objects.live().filter(pk=pk).first()
    if found is None:
        raise ValidationError(
            {"municipality": [_("Kommunen med id %(id)s finnes ikke.") % {"id": pk}]}
        )
    return found


def add_member(
    user: AbstractBaseUser, network: LearningNetwork, municipality_id: object
) -> NetworkMembership:
    """Make the municipality a member of the network from today (sharing figures only)."""
    with transaction.atomic():
        network = _lock(network)
        require_member_manager(user, network)
        municipality = _municipality(municipality_id)
        if (
            NetworkMembership.objects.current()
            .filter(network=network, municipality=municipality)
            .exists()
        ):
            raise ValidationError(
                {
                    "municipality": [
                        _("%(name)s er allerede medlem av nettverket.")
                        % {"name": municipality.name}
                    ]
                }
            )
        if network.open_comparison:  # the new member has not agreed to it
            network.open_comparison = False
            network.save(update_fields=["open_comparison"])
        try:
            with transaction.atomic():
                return NetworkMembership.objects.create(network=network, municipality=municipality)
        except IntegrityError as exc:  # a concurrent add the lock did not see (no network row)
            raise ValidationError(
                {"municipality": [_("Kommunen ble nettopp lagt til av noen andre.")]}
            ) from exc


def _end(membership: NetworkMembership) -> NetworkMembership:
    today = timezone.localdate()
    # A membership begun later than today (a date set by hand) ends the day it began.
    membership.left_on = max(today, membership.joined_on)
    membership.save(update_fields=["left_on"])
    return membership


def remove_member(
    user: AbstractBaseUser, network: LearningNetwork, membership: NetworkMembership
) -> NetworkMembership:
    """End the municipality's membership today (operators and the network's coordinators)."""
    with transaction.atomic():
        network = _lock(network)
        require_member_manager(user, network)
        current = _current(membership, network)
        return _end(current)


def _current(membership: NetworkMembership, network: LearningNetwork) -> NetworkMembership:
    """The membership row, locked, if it is still current; a field-less 400 otherwise."""
    current = (
        NetworkMembership.objects.select_for_update()
        .select_related("municipality", "network")
        .get(pk=membership.pk)
    )
    if current.network_id != network.pk or not current.is_current:
        raise ValidationError(_("Kommunen er ikke lenger medlem av nettverket."))
    return current


def _require_leader(tenant: Municipality, user: AbstractBaseUser, message: str) -> None:
    found = active_membership(user, tenant)
    if found is None or found.role != MunicipalityRole.LEADER:
        raise PermissionDenied(message)


def set_sharing(
    tenant: Municipality, user: AbstractBaseUser, membership: NetworkMembership, sharing: str
) -> NetworkMembership:
    """The municipality's choice of what the network sees (its leader only)."""
    _require_leader(
        tenant, user, _("Bare kommunens prosjektleder kan velge hva nettverket får se.")
    )
    if sharing not in Sharing.values:
        raise ValidationError(
            {"sharing": [_("Velg «figures» (bare statustall) eller «plans» (også planene).")]}
        )
    with transaction.atomic():
        current = _current(membership, membership.network)
        if current.municipality_id != tenant.pk:
            raise PermissionDenied
        current.sharing = sharing
        current.save(update_fields=["sharing"])
        return current


def leave_network(
    tenant: Municipality, user: AbstractBaseUser, membership: NetworkMembership
) -> NetworkMembership:
    """The municipality leaves the network today (its leader only)."""
    _require_leader(tenant, user, _("Bare kommunens prosjektleder kan melde kommunen ut."))
    with transaction.atomic():
        current = _current(membership, membership.network)
        if current.municipality_id != tenant.pk:
            raise PermissionDenied
        return _end(current)


# Open comparison --------------------------------------------------------------------------


def give_consent(
    tenant: Municipality, user: AbstractBaseUser, membership: NetworkMembership
) -> OpenComparisonConsent:
    """The municipality agrees to open comparison in the network (its leader only).

    Giving it again while it stands changes nothing and answers the standing consent.
    """
    _require_leader(
        tenant, user, _("Bare kommunens prosjektleder kan samtykke til åpen sammenligning.")
    )
    with transaction.atomic():
        current = _current(membership, membership.network)
        if current.municipality_id != tenant.pk:
            raise PermissionDenied
        standing = OpenComparisonConsent.objects.standing().filter(membership=current).first()
        if standing is not None:
            return standing
        return OpenComparisonConsent.objects.create(membership=current, given_by_id=user.pk)


def withdraw_consent(
    tenant: Municipality, user: AbstractBaseUser, membership: NetworkMembership
) -> NetworkMembership:
    """The municipality withdraws its consent; the network's open comparison ends with it."""
    _require_leader(tenant, user, _("Bare kommunens prosjektleder kan trekke samtykket tilbake."))
    with transaction.atomic():
        network = _lock(membership.network)
        current = _current(membership, network)
        if current.municipality_id != tenant.pk:
            raise PermissionDenied
        OpenComparisonConsent.objects.standing().filter(membership=current).update(
            withdrawn_at=timezone.now(), withdrawn_by_id=user.pk
        )
        if network.open_comparison:
            network.open_comparison = False
            network.save(update_fields=["open_comparison"])
        return current


def set_open_comparison(
    user: AbstractBaseUser, network: LearningNetwork, open_comparison: bool
) -> LearningNetwork:
    """Turn open comparison on (every current member has consented) or off (always)."""
    with transaction.atomic():
        network = _lock(network)
        require_member_manager(user, network)
        if open_comparison:
            missing = [m.municipality.name for m in missing_consents(network)]
            if missing:
                raise ValidationError(
                    {
                        "open_comparison": [
                            _(
                                "Alle medlemmene må samtykke før sammenligningen kan bli åpen. "
                                "Mangler samtykke fra: %(names)s."
                            )
                            % {"names": ", ".join(missing)}
                        ]
                    }
                )
        network.open_comparison = open_comparison
        network.save(update_fields=["open_comparison"])
        return network
