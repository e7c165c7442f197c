"""The networks' pages on the public host: the user's networks, one network, the comparison
and the trends; and on a municipality's host its own networks (`memberships_page`: what it
shares, its consent to open comparison, leaving, the coming gatherings and its
registrations).

Thin: the network is looked up through `networks.access` (404 for "not yours"), what the
user sees of the comparison is `access.comparison_scope`, the figures come from
`networks.comparison` and changes go through `networks.services`. Query parameters are
the API's (`date`, `competence_base`, `sort`, `figure`, `weeks`); a bad one shows its
Norwegian message above the form (400) rather than a table. The exports are the API's
(`/api/networks/{id}/comparison.xlsx`, `.pdf`), which the page links to with its query.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from networks import access, comparison, forms, services, trend_chart
from networks.figures import FIGURES
from networks.gatherings import services as gatherings_services
from networks.gatherings.models import Gathering, Participant, Registration
from networks.models import (
    CompetenceBase,
    LearningNetwork,
    NetworkMembership,
    OpenComparisonConsent,
    Sharing,
)
from samla.accounts.access import (
    LEADER_ROLES,
    WRITE_ROLES,
    acting_user,
    membership_of,
    tenant_of,
)
from samla.urls_helpers import public_url

# The trend table shows each municipality as a column up to this many.
TREND_TABLE_COLUMNS = 12


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [str(m) for messages in error.message_dict.values() for m in messages]
    return [str(m) for m in error.messages]


def _bases(network: LearningNetwork) -> list[CompetenceBase]:
    """The competence bases that hold at least one current member of the network."""
    members = NetworkMembership.objects.current().filter(network=network)
    return list(
        CompetenceBase.objects.filter(
            municipalities__in=members.values("municipality_id")
        ).distinct()
    )


def _context(request: HttpRequest, network: LearningNetwork, **extra: Any) -> dict[str, Any]:
    user = acting_user(request)
    return {
        "network": network,
        "manages": access.can_manage_members(user, network),
        **extra,
    }


@login_required
@require_GET
def network_list(request: HttpRequest) -> HttpResponse:
    networks = (
        access.networks_for(acting_user(request))
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("name", "id")
    )
    return render(request, "networks/network_list.html", {"networks": networks})


@login_required
@require_http_methods(["GET", "POST"])
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = acting_user(request)
    network = access.get_network_by_slug_for(user, slug)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        wanted = request.POST.get("open_comparison") == "on"
        try:
            services.set_open_comparison(user, network, wanted)
        except ValidationError as error:
            errors, status = _errors(error), 400
        else:
            return redirect("networks:detail", slug=network.slug)
    manages = access.can_manage_members(user, network)
    members = (
        NetworkMembership.objects.current()
        .filter(network=network)
        .select_related("municipality")
        .order_by("municipality__name")
        if manages
        else NetworkMembership.objects.none()
    )
    return render(
        request,
        "networks/network_detail.html",
        _context(
            request,
            network,
            members=members,
            missing=list(access.missing_consents(network)) if manages else [],
            open_in_force=access.open_comparison_in_force(network),
            errors=errors,
        ),
        status=status,
    )


def _comparison(request: HttpRequest, slug: str) -> tuple[LearningNetwork, Any, dict[str, Any]]:
    """The comparison the query asks for, or the form's errors (the result is then None)."""
    user = acting_user(request)
    network = access.get_network_by_slug_for(user, slug)
    params = request.GET
    form = {k: params.get(k, "") for k in ("date", "competence_base", "sort")}
    try:
        as_of = comparison.parse_as_of(params.get("date"))
        base = comparison.parse_competence_base(params.get("competence_base"))
    except ValidationError as error:
        return network, None, {"errors": _errors(error), "form": form}
    scope = access.comparison_scope(user, network)
    result = comparison.compare(network, scope, as_of, base, params.get("sort", ""))
    return network, result, {"errors": [], "form": form}


@login_required
@require_GET
def comparison_page(request: HttpRequest, slug: str) -> HttpResponse:
    network, result, extra = _comparison(request, slug)
    headers, rows_html = [], ""
    if result is not None:
        headers = trend_chart.sort_headers(result, request.GET)
        rows_html = trend_chart.comparison_rows(result)
    return render(
        request,
        "networks/comparison.html",
        _context(
            request,
            network,
            result=result,
            headers=headers,
            rows_html=rows_html,
            bases=_bases(network),
            query=request.GET.urlencode(),
            **extra,
        ),
        status=400 if extra["errors"] else 200,
    )


@login_required
@require_GET
def trends_page(request: HttpRequest, slug: str) -> HttpResponse:
    user = acting_user(request)
    network = access.get_network_by_slug_for(user, slug)
    params = request.GET
    form = {k: params.get(k, "") for k in ("figure", "date", "weeks", "competence_base")}
    form["figure"] = form["figure"] or "milestones_done"
    errors: list[str] = []
    result = None
    try:
        figure = comparison.parse_figure(form["figure"])
        as_of = comparison.parse_as_of(params.get("date"))
        weeks = comparison.parse_weeks(params.get("weeks"))
        base = comparison.parse_competence_base(params.get("competence_base"))
    except ValidationError as error:
        errors = _errors(error)
    else:
        scope = access.comparison_scope(user, network)
        result = comparison.trend(network, scope, figure, as_of, weeks, base)
    chart = trend_chart.trend_chart(result) if result is not None else None
    if result is not None and len(result.municipalities) > TREND_TABLE_COLUMNS:
        # A column per municipality reads well for a few; the API has them all.
        result.municipalities = {
            mid: info for mid, info in result.municipalities.items() if mid in result.own
        }
    return render(
        request,
        "networks/trends.html",
        _context(
            request,
            network,
            result=result,
            chart=chart,
            figures=[f for f in FIGURES.values() if comparison.is_numeric(f)],
            bases=_bases(network),
            form=form,
            errors=errors,
        ),
        status=400 if errors else 200,
    )


# A municipality's host: its networks ------------------------------------------------------


def _role(request: HttpRequest) -> str | None:
    membership = membership_of(request)
    return None if membership is None else str(membership.role)


def _coming_gatherings(networks: list[int]) -> dict[int, list[Gathering]]:
    """The networks' gatherings that have not ended, by network, in one query."""
    found: dict[int, list[Gathering]] = {pk: [] for pk in networks}
    rows = Gathering.objects.filter(network_id__in=networks, ends_at__gte=timezone.now())
    for gathering in rows.order_by("starts_at", "id"):
        found[gathering.network_id].append(gathering)
    return found


def _network_sections(
    request: HttpRequest,
    failed: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Each current network of the municipality with what the page shows of it.

    Six queries for one network or many: the memberships, their standing consents, the
    coming gatherings, the municipality's registrations for them, their participants and
    the seats taken. `failed` holds a bound form that did not save,
    shown in place of the fresh one.
    """
    tenant = tenant_of(request)
    failed = failed or {}
    memberships = list(access.memberships_of(tenant))
    consents = {
        c.membership_id: c
        for c in OpenComparisonConsent.objects.standing()
        .select_related("given_by")
        .filter(membership__in=[m.pk for m in memberships])
    }
    coming = _coming_gatherings([m.network_id for m in memberships])
    gathering_ids = [g.pk for rows in coming.values() for g in rows]
    registrations = {
        r.gathering_id: r
        for r in Registration.objects.filter(
            gathering_id__in=gathering_ids, municipality=tenant
        ).prefetch_related("participants")
    }
    seats = dict(
        Participant.objects.filter(registration__gathering_id__in=gathering_ids)
        .values("registration__gathering_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("registration__gathering_id", "n")
    )
    now = timezone.now()
    sections = []
    for membership in memberships:
        network = membership.network
        gatherings = []
        for gathering in coming[membership.network_id]:
            registration = registrations.get(gathering.pk)
            people = list(registration.participants.all()) if registration else []
            form = failed.get(f"register-{gathering.pk}") or forms.RegistrationForm(
                rows=forms.rows_for(len(people)),
                initial_rows=[{"name": p.name, "role": p.role, "unit": p.unit} for p in people],
                prefix=f"g{gathering.pk}",
            )
            gatherings.append(
                {
                    "gathering": gathering,
                    "registration": registration,
                    "participants": people,
                    "seats": seats.get(gathering.pk, 0),
                    "form": form,
                    "can_cancel": registration is not None and now < gathering.starts_at,
                }
            )
        sections.append(
            {
                "membership": membership,
                "network": network,
                "sharing_form": failed.get(f"sharing-{membership.pk}")
                or forms.SharingForm(
                    initial={"sharing": membership.sharing}, prefix=f"m{membership.pk}"
                ),
                "consent": consents.get(membership.pk),
                "comparison_url": public_url(
                    reverse("networks:comparison", urlconf="samla.urls_public", args=[network.slug])
                ),
                "gatherings": gatherings,
            }
        )
    return sections


def _render_memberships(
    request: HttpRequest, failed: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    role = _role(request)
    return render(
        request,
        "networks/memberships.html",
        {
            "sections": _network_sections(request, failed),
            "is_leader": role in LEADER_ROLES,
            "can_register": role in WRITE_ROLES,
        },
        status=status,
    )


def _require_role(request: HttpRequest, roles: frozenset[str], message: str) -> None:
    if _role(request) not in roles:
        raise PermissionDenied(message)


def _posted_membership(request: HttpRequest) -> NetworkMembership:
    return access.get_membership_for(tenant_of(request), _posted_id(request, "membership"))


def _posted_id(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404(_("Fant ikke det du ba om.")) from None


def _refusal(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A service refused an action that has no form: its messages above the page (400)."""
    for message in _errors(error):
        messages.error(request, message)
    return _render_memberships(request, status=400)


def _set_sharing(request: HttpRequest) -> HttpResponse:
    _require_role(
        request, LEADER_ROLES, _("Bare kommunens prosjektleder kan velge hva nettverket får se.")
    )
    membership = _posted_membership(request)
    form = forms.SharingForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        try:
            services.set_sharing(
                tenant_of(request), acting_user(request), membership, form.cleaned_data["sharing"]
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(
                request,
                _("%(network)s får nå se: %(choice)s.")
                % {
                    "network": membership.network.name,
                    "choice": Sharing(form.cleaned_data["sharing"]).label,
                },
            )
            return redirect("network-memberships-page")
    return _render_memberships(request, {f"sharing-{membership.pk}": form}, 400)


def _set_consent(request: HttpRequest, give: bool) -> HttpResponse:
    _require_role(
        request,
        LEADER_ROLES,
        _("Bare kommunens prosjektleder kan samtykke til åpen sammenligning."),
    )
    membership = _posted_membership(request)
    tenant, user = tenant_of(request), acting_user(request)
    try:
        if give:
            services.give_consent(tenant, user, membership)
        else:
            services.withdraw_consent(tenant, user, membership)
    except ValidationError as error:
        return _refusal(request, error)
    done = (
        _("Kommunen samtykker nå til åpen sammenligning i %(network)s.")
        if give
        else _("Samtykket til åpen sammenligning i %(network)s er trukket tilbake.")
    )
    messages.success(request, done % {"network": membership.network.name})
    return redirect("network-memberships-page")


def _own_gathering(request: HttpRequest) -> Gathering:
    """A gathering of one of the municipality's current networks; 404 for any other."""
    networks = access.memberships_of(tenant_of(request)).values("network_id")
    gathering = (
        Gathering.objects.select_related("network")
        .filter(pk=_posted_id(request, "gathering"), network_id__in=networks)
        .first()
    )
    if gathering is None:
        raise Http404(_("Fant ikke samlingen."))
    return gathering


def _register(request: HttpRequest) -> HttpResponse:
    _require_role(request, WRITE_ROLES, _("Du har bare lesetilgang til kommunens påmeldinger."))
    gathering = _own_gathering(request)
    prefix = f"g{gathering.pk}"
    form = forms.RegistrationForm(
        request.POST, rows=forms.rows_for(0, request.POST.get(f"{prefix}-rows")), prefix=prefix
    )
    if form.is_valid():
        people = form.participants()
        try:
            gatherings_services.register(
                acting_user(request), gathering, tenant_of(request).pk, people
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Påmeldingen til «%(title)s» er lagret.") % {"title": gathering.title},
            )
            return redirect("network-memberships-page")
    return _render_memberships(request, {f"register-{gathering.pk}": form}, 400)


def _cancel(request: HttpRequest) -> HttpResponse:
    _require_role(request, WRITE_ROLES, _("Du har bare lesetilgang til kommunens påmeldinger."))
    gathering = _own_gathering(request)
    try:
        gatherings_services.cancel_registration(
            acting_user(request), gathering, tenant_of(request).pk
        )
    except ValidationError as error:
        return _refusal(request, error)
    messages.success(
        request, _("Påmeldingen til «%(title)s» er trukket tilbake.") % {"title": gathering.title}
    )
    return redirect("network-memberships-page")


MEMBERSHIP_ACTIONS = {
    "sharing": _set_sharing,
    "give-consent": lambda request: _set_consent(request, True),
    "withdraw-consent": lambda request: _set_consent(request, False),
    "register": _register,
    "cancel-registration": _cancel,
}


@require_http_methods(["GET", "POST"])
def memberships_page(request: HttpRequest) -> HttpResponse:
    """The municipality's networks (its host's `/nettverk/`): what it shares with each, its
    consent to open comparison, the coming gatherings and its registrations. The leader
    changes what is shared and the consent; leaders and editors register; every POST names
    an `action` and goes through one service, then back here (POST-redirect-GET)."""
    if request.method == "POST":
        action = MEMBERSHIP_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Ukjent handling. Ingenting ble endret."))
            return _render_memberships(request, status=400)
        return action(request)
    return _render_memberships(request)


@require_http_methods(["GET", "POST"])
def leave_page(request: HttpRequest, membership_id: int) -> HttpResponse:
    """The leader's confirmation before the municipality leaves a network, and the leaving."""
    membership = access.get_membership_for(tenant_of(request), membership_id)
    _require_role(request, LEADER_ROLES, _("Bare kommunens prosjektleder kan melde kommunen ut."))
    if request.method == "POST":
        try:
            services.leave_network(tenant_of(request), acting_user(request), membership)
        except ValidationError as error:
            return _refusal(request, error)
        messages.success(
            request,
            _("Kommunen er meldt ut av %(network)s.") % {"network": membership.network.name},
        )
        return redirect("network-memberships-page")
    return render(request, "networks/leave.html", {"membership": membership})
