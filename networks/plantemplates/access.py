"""Who sees and edits which network plan template: lookups that answer 404 for "not yours".

- The network's coordinators and platform operators see all its templates, drafts too,
  and create, edit and publish them.
- Users of a member municipality (and coordinators of a competence base with members in
  the network) see the published ones only, on the public host.
- On a municipality's host, the municipality sees the published templates of the
  networks it currently belongs to; any other template is 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from networks.access import User, coordinates, get_network_for, is_operator, networks_for
from networks.models import LearningNetwork, NetworkMembership
from networks.plantemplates.models import PlanTemplate
from samla.accounts.models import CoordinatorRole
from tenants.models import Municipality


def can_manage(user: User, network: LearningNetwork) -> bool:
    return is_operator(user) or coordinates(user, network)


def require_manager(user: User, network: LearningNetwork) -> None:
    if not can_manage(user, network):
        raise PermissionDenied(
            _("Bare nettverkets koordinatorer og driftsoperatører lager og endrer planmaler.")
        )


def templates_for(user: User, network: LearningNetwork) -> QuerySet[PlanTemplate]:
    """The network's templates the user sees (the network is already theirs to see)."""
    templates = PlanTemplate.objects.filter(network=network).order_by("title", "id")
    if can_manage(user, network):
        return templates
    return templates.filter(published_version__gt=0)


def all_templates_for(user: User) -> QuerySet[PlanTemplate]:
    """Every template the user sees: drafts of networks they manage, else published ones."""
    templates = PlanTemplate.objects.filter(network__in=networks_for(user)).select_related(
        "network"
    )
    if is_operator(user):
        return templates
    user_id = int(user.pk) if user.pk is not None else 0
    coordinated = CoordinatorRole.objects.filter(user_id=user_id, network__isnull=False)
    return templates.filter(
        Q(published_version__gt=0) | Q(network_id__in=coordinated.values("network_id"))
    )


def get_template_for(user: User, template_id: int) -> PlanTemplate:
    """The template if the user may see it; 404 otherwise, as for an id that does not exist."""
    template = PlanTemplate.objects.select_related("network").filter(pk=template_id).first()
    if template is None:
        raise Http404(_("Fant ikke planmalen."))
    try:
        network = get_network_for(user, template.network_id)
    except Http404:
        raise Http404(_("Fant ikke planmalen.")) from None
    if not template.is_published and not can_manage(user, network):
        raise Http404(_("Fant ikke planmalen."))
    return template


def published_for_municipality(municipality: Municipality) -> QuerySet[PlanTemplate]:
    """Published templates of the networks the municipality currently belongs to."""
    networks = NetworkMembership.objects.current().filter(municipality=municipality)
    return (
        PlanTemplate.objects.filter(
            published_version__gt=0, network_id__in=networks.values("network_id")
        )
        .select_related("network")
        .prefetch_related("versions")
        .order_by("network__name", "title", "id")
    )


def get_published_for_municipality(municipality: Municipality, template_id: int) -> PlanTemplate:
    template = published_for_municipality(municipality).filter(pk=template_id).first()
    if template is None:
        raise Http404(_("Fant ikke planmalen."))
    return template
