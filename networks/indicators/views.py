"""The network's indicator pages on the public host (Norwegian, server-rendered).

`/nettverk/<slug>/indikatorer/`: the shared catalogue with how many of the network's
members have values for each. `/nettverk/<slug>/indikatorer/<id>/importer/`: a
coordinator's (or operator's) upload of an SSB Statistikkbanken CSV for the network's
members (404 for others), the API's import as a form. `/nettverk/<slug>/indikatorer/<id>/`:
one indicator across the network's municipalities and over time, as an SVG line chart with
the numbers as a table. Coordinators and operators (and everyone who sees the network when
it compares openly) see every member by name; a municipality's users see their own
municipality and the network's median, shown only where at least five members contribute.
The network is looked up within what the user may see (404 otherwise, as for one that does
not exist).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from networks.access import coordinates, is_operator, networks_for
from networks.indicators import access, queries, services
from networks.indicators.models import Indicator
from networks.models import LearningNetwork, NetworkMembership
from samla import charts as chart
from samla.accounts.access import acting_user
from samla.accounts.models import MunicipalityMembership
from samla.formats import format_number


def _network(request: HttpRequest, slug: str) -> LearningNetwork:
    network = networks_for(acting_user(request)).filter(slug=slug).first()
    if network is None:
        raise Http404(_("Fant ikke nettverket."))
    return network


MAX_UPLOAD = 2_000_000


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
            "can_import": is_operator(user) or coordinates(user, network),
            "has_median": bool(medians),
            "median_minimum": access.MEDIAN_MINIMUM,
        },
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-fil fra SSBs Statistikkbank"),
        help_text=_("«Semikolonseparert med overskrift», høyst 2 MB."),
    )


def _decode(raw: bytes) -> str:
    """SSB offers UTF-8 and Windows-1252 ("ANSI") exports: read either."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@login_required
def indicator_import(request: HttpRequest, slug: str, indicator_id: int) -> HttpResponse:
    """A coordinator's upload of an SSB CSV for the network's members (404 for others)."""
    user = acting_user(request)
    network = _network(request, slug)
    if not (is_operator(user) or coordinates(user, network)):
        raise Http404(_("Fant ikke siden."))
    indicator = access.get_indicator(indicator_id)
    errors: list[str] = []
    status = 200
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                errors = [_("Filen er større enn 2 MB.")]
            else:
                try:
                    outcome = services.import_csv(user, indicator, _decode(upload.read()), network)
                except ValidationError as exc:
                    errors = [m for ms in exc.message_dict.values() for m in ms]
                else:
                    messages.success(
                        request,
                        _(
                            "Importert: %(created)d nye, %(updated)d endrede og %(unchanged)d "
                            "uendrede verdier; %(missing)d felt uten verdi."
                        )
                        % {
                            "created": outcome.created,
                            "updated": outcome.updated,
                            "unchanged": outcome.unchanged,
                            "missing": outcome.missing,
                        },
                    )
                    return redirect("network-indicator", network.slug, indicator.pk)
        status = 400
    return render(
        request,
        "indicators/indicator_import.html",
        {"network": network, "indicator": indicator, "form": form, "errors": errors},
        status=status,
    )
