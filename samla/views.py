"""The landing page (public host) and a municipality's home page (its own host)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from networks.models import LearningNetwork
from samla.urls_helpers import municipality_url
from tenants.models import Municipality


def landing(request: HttpRequest) -> HttpResponse:
    municipalities = Municipality.objects.live().order_by("name")
    networks = LearningNetwork.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True))
    ).order_by("name")
    return render(
        request,
        "samla/landing.html",
        {
            "municipalities": [(m, municipality_url(m)) for m in municipalities],
            "networks": networks,
        },
    )


def municipality_home(request: HttpRequest) -> HttpResponse:
    return render(request, "samla/municipality_home.html")
