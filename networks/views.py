"""The networks' pages on the public host: the user's networks, one network, the comparison
and the trends.

Thin: the network is looked up through `networks.access` (404 for "not yours"), what the
user sees of the comparison is `access.comparison_scope`, the figures come from
`networks.comparison` and changes go through `networks.services`. Query parameters are
the API's (`date`, `competence_base`, `sort`, `figure`, `weeks`); a bad one shows its
Norwegian message above the form (400) rather than a table. The exports are the API's
(`/api/networks/{id}/comparison.xlsx`, `.pdf`), which the page links to with its query.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from networks import access, comparison, services, trend_chart
from networks.figures import FIGURES
from networks.models import CompetenceBase, LearningNetwork, NetworkMembership
from samla.accounts.access import acting_user

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
