"""The network's indicator pages on the public host (Norwegian, server-rendered).

`/nettverk/<slug>/indikatorer/`: the shared catalogue with how many of the network's
members have values for each. `/nettverk/<slug>/indikatorer/<id>/`: one indicator across
the network's municipalities and over time, as an SVG line chart with the numbers as a
table. Coordinators and operators (and everyone who sees the network when it compares
openly) see every member by name; a municipality's users see their own municipality and
the network's median, shown only where at least five members contribute. The network is
looked up within what the user may see (404 otherwise, as for one that does not exist).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from networks.access import networks_for
from networks.indicators import access, chart, queries
from networks.indicators.models import Indicator
from networks.models import LearningNetwork, NetworkMembership
from samla.accounts.access import acting_user
from samla.accounts.models import MunicipalityMembership
from samla.formats import format_number


def _network(request: HttpRequest, slug: str) -> LearningNetwork:
    network = networks_for(acting_user(request)).filter(slug=slug).first()
    if network is None:
        raise Http404(_("Fant ikke nettverket."))
    return network


@login_required
def network_indicators(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug)
    members = access.current_member_ids(network).values("municipality_id")
    indicators = Indicator.objects.annotate(
        municipalities=Count(
            "values__municipality",
            filter=Q(values__municipality_id__in=members),
            distinct=True,
        )
    ).order_by("name", "id")
    return render(
        request,
        "indicators/network_indicators.html",
        {"network": network, "indicators": indicators},
    )


@login_required
def indicator_chart(request: HttpRequest, slug: str, indicator_id: int) -> HttpResponse:
    user = acting_user(request)
    network = _network(request, slug)
    indicator = access.get_indicator(indicator_id)
    names = access.sees_member_names(user, network)
    members = (
        NetworkMembership.objects.current()
        .filter(network=network)
        .select_related("municipality")
        .order_by("municipality__name", "municipality_id")
    )
    if not names:
        members = members.filter(
            municipality_id__in=access.readable_municipalities(user).values("pk")
        )
    shown = [m.municipality for m in members]
    own = set(
        MunicipalityMembership.objects.active()
        .filter(user_id=user.pk)
        .values_list("municipality_id", flat=True)
    )
    found = queries.series(indicator, [m.pk for m in shown])
    medians = queries.medians(indicator, network)
    columns: dict[str, chart.Column] = {}
    lines: list[chart.Series] = []
    for municipality in shown:
        points = found.get(municipality.pk, [])
        for p in points:
            columns.setdefault(p.period, chart.Column(p.period, p.starts_on, p.ends_on))
        name = str(municipality.name)
        if municipality.pk in own:
            name = _("%(name)s (din kommune)") % {"name": name}
        lines.append(
            chart.Series(
                name,
                {p.period: p.value for p in points},
                "own" if municipality.pk in own else "municipality",
            )
        )
    if medians:
        for m in medians:
            columns.setdefault(m["period"], chart.Column(m["period"], m["starts_on"], m["ends_on"]))
        lines.append(
            chart.Series(
                _("Median i nettverket"), {m["period"]: m["median"] for m in medians}, "median"
            )
        )
    ordered = sorted(columns.values(), key=lambda c: (c.starts_on, c.ends_on, c.period))
    table: list[dict[str, Any]] = [
        {
            "name": line.name,
            "kind": line.kind,
            "cells": [
                format_number(line.values[c.period].normalize()) if c.period in line.values else ""
                for c in ordered
            ],
        }
        for line in lines
    ]
    return render(
        request,
        "indicators/indicator_chart.html",
        {
            "network": network,
            "indicator": indicator,
            "chart": chart.build(ordered, lines),
            "columns": ordered,
            "table": table,
            "names": names,
            "has_median": bool(medians),
            "median_minimum": access.MEDIAN_MINIMUM,
        },
    )
