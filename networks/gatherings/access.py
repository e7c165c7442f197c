"""Who may see and do what with a network's gatherings: lookups that answer 404 for "not yours".

- Operators and the network's coordinators manage its gatherings, tasks and evaluations
  and see every registration and answer.
- A member (any role) of a municipality that is a current member of the network sees the
  network's gatherings and tasks, and its own municipality's registrations and answers;
  other municipalities' answers (and names) only where the network compares openly
  (`LearningNetwork.open_comparison`). Leaders and editors register and answer on the
  municipality's behalf.
- Anyone else, another network's coordinator included, gets 404 for the gathering and
  everything under it, as for an id that does not exist.
- A join code reaches one municipality's answers to one gathering's open tasks, and only
  while the gathering has not ended and has an open task (`code_in_use`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.access import User, coordinates, is_operator, networks_for
from networks.gatherings.models import Answer, Gathering, GroupTask, JoinCode, Registration
from networks.models import LearningNetwork, NetworkMembership
from samla.accounts.access import WRITE_ROLES
from samla.accounts.models import MunicipalityMembership
from tenants.models import Municipality


def can_manage(user: User, network: LearningNetwork) -> bool:
    """Operators and the network's coordinators run its gatherings."""
    return is_operator(user) or coordinates(user, network)


def require_manager(user: User, network: LearningNetwork) -> None:
    if not can_manage(user, network):
        raise PermissionDenied(
            _("Bare nettverkets koordinatorer og driftsoperatører kan endre samlingene.")
        )


def get_managed_gathering(user: User, gathering_id: int) -> Gathering:
    """The gathering for its network's coordinators and operators, in two queries (the
    live screen's poll); 404 for anyone who cannot see it, 403 for a member who can."""
    rows = Gathering.objects.select_related("network").filter(pk=gathering_id)
    if not is_operator(user):
        rows = rows.filter(network__coordinators__user_id=int(user.pk or 0))
    gathering = rows.first()
    if gathering is None:
        get_gathering_for(user, gathering_id)  # 404 when it is not theirs to see
        raise PermissionDenied(_("Bare nettverkets koordinatorer og driftsoperatører ser dette."))
    return gathering


def gatherings_for(user: User) -> QuerySet[Gathering]:
    """Gatherings of the networks the user may see."""
    return Gathering.objects.filter(network__in=networks_for(user))


def get_gathering_for(user: User, gathering_id: int) -> Gathering:
    gathering = gatherings_for(user).select_related("network").filter(pk=gathering_id).first()
    if gathering is None:
        raise Http404(_("Fant ikke samlingen."))
    return gathering


def get_task_for(user: User, task_id: int) -> GroupTask:
    task = (
        GroupTask.objects.filter(gathering__in=gatherings_for(user))
        .select_related("gathering__network")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404(_("Fant ikke oppgaven."))
    return task


def own_municipality_ids(user: User, network: LearningNetwork, write: bool = False) -> list[int]:
    """The user's municipalities that are current members of the network (leader/editor
    only with `write`)."""
    if not user.is_authenticated:
        return []
    roles = MunicipalityMembership.objects.active().filter(user_id=user.pk)
    if write:
        roles = roles.filter(role__in=WRITE_ROLES)
    members = NetworkMembership.objects.current().filter(network=network)
    return list(
        members.filter(municipality_id__in=roles.values("municipality_id"))
        .order_by("municipality__name")
        .values_list("municipality_id", flat=True)
    )


def acting_for(user: User, network: LearningNetwork, municipality_id: object) -> Municipality:
    """The municipality the user registers or answers for: one where they are leader or
    editor and that is a member of the network. Without an id, their only such one."""
    allowed = own_municipality_ids(user, network, write=True)
    if municipality_id is None:
        if len(allowed) == 1:
            only: Municipality = Municipality.objects.get(pk=allowed[0])
            return only
        if not allowed:
            raise PermissionDenied(
                _(
                    "Du må være prosjektleder eller redaktør i en kommune i nettverket for "
                    "å gjøre dette på kommunens vegne."
                )
            )
        raise ValidationError({"municipality": [_("Velg hvilken kommune du svarer for.")]})
    try:
        pk = int(str(municipality_id))
    except (TypeError, ValueError):
        raise ValidationError({"municipality": [_("Oppgi kommunens id (et heltall).")]}) from None
    if pk not in allowed:
        raise ValidationError(
            {
                "municipality": [
                    _(
                        "Du kan bare gjøre dette for kommuner i nettverket der du er "
                        "prosjektleder eller redaktør."
                    )
                ]
            }
        )
    chosen: Municipality = Municipality.objects.get(pk=pk)
    return chosen


def registrations_for(user: User, gathering: Gathering) -> QuerySet[Registration]:
    """All registrations for managers; the user's own municipalities' for members."""
    rows = Registration.objects.filter(gathering=gathering)
    if not can_manage(user, gathering.network):
        rows = rows.filter(municipality_id__in=own_municipality_ids(user, gathering.network))
    return rows.select_related("municipality").prefetch_related("participants")


def answers_for(user: User, task: GroupTask) -> QuerySet[Answer]:
    """All answers for managers and where the network compares openly; else the user's own
    municipalities'."""
    rows = Answer.objects.filter(task=task)
    network = task.gathering.network
    if not (can_manage(user, network) or network.open_comparison):
        rows = rows.filter(municipality_id__in=own_municipality_ids(user, network))
    return rows.select_related("municipality")


# Join codes -------------------------------------------------------------------------------

# Unambiguous when read aloud or off a screen: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 6
EVALUATION_CODE_LENGTH = 8


def normalise_code(given: object) -> str:
    """The code as typed, upper-cased, without spaces and dashes ("abc 234" → "ABC234")."""
    if not isinstance(given, str):
        return ""
    return "".join(ch for ch in given.upper() if ch not in " -\t")[:16]


def code_in_use(code: JoinCode, now: object = None) -> bool:
    """Whether the code still works: its gathering has not ended and has an open task, and
    its municipality is still a member of the network."""
    gathering = code.gathering
    moment = now or timezone.now()
    if moment > gathering.ends_at:  # type: ignore[operator]
        return False
    member = NetworkMembership.objects.current().filter(
        network_id=gathering.network_id, municipality_id=code.municipality_id
    )
    return (
        GroupTask.objects.filter(gathering=gathering, closed_at__isnull=True)
        .filter(Exists(member))
        .exists()
    )


def get_join_code(given: object) -> JoinCode:
    """The join code if it exists and still works; 404 otherwise (the same for both)."""
    code = normalise_code(given)
    found = (
        JoinCode.objects.select_related("gathering", "municipality").filter(code=code).first()
        if len(code) == JOIN_CODE_LENGTH
        else None
    )
    if found is None or not code_in_use(found):
        raise Http404(_("Koden finnes ikke eller er utløpt."))
    return found


def open_tasks_for_code(code: JoinCode) -> QuerySet[GroupTask]:
    """What a join code reaches: its gathering's open tasks."""
    return GroupTask.objects.filter(gathering_id=code.gathering_id, closed_at__isnull=True)


def get_task_for_code(code: JoinCode, task_id: int) -> GroupTask:
    """One of the code's gathering's tasks (open or closed: closed answers 409); 404 for
    any other task."""
    task = GroupTask.objects.filter(gathering_id=code.gathering_id, pk=task_id).first()
    if task is None:
        raise Http404(_("Fant ikke oppgaven."))
    return task


def get_gathering_by_evaluation_code(given: object) -> Gathering:
    code = normalise_code(given)
    found = (
        Gathering.objects.filter(evaluation_code=code).first()
        if len(code) == EVALUATION_CODE_LENGTH
        else None
    )
    if found is None:
        raise Http404(_("Koden finnes ikke eller er utløpt."))
    return found
