"""The demo: municipalities, networks and users from the seed plans in ../shared/seeds/.

Idempotent: running it again keeps what is there and adds what is missing. Each
municipality gets its plans from the seeds (`tenants/plans/seed_plans/`), dated so that
today falls mid-way through them; a plan whose title is already there is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.demo import load_demo_billing
from billing.models import Consultancy
from cms.demo import load_demo_cms
from networks.demo import load_demo_history
from networks.gatherings.demo import load_demo_gatherings
from networks.indicators.demo import load_demo_indicators
from networks.models import CompetenceBase, LearningNetwork, Organiser
from networks.plantemplates.demo import load_demo_templates
from samla.accounts.models import (
    ConsultancyMembership,
    CoordinatorRole,
    MunicipalityMembership,
    MunicipalityRole,
    PlatformOperator,
    User,
)
from tenants.models import Municipality
from tenants.plans.models import Plan
from tenants.plans.seed_plans import PLANS_BY_MUNICIPALITY, SEEDS, build_seed_plan
from tenants.routines.demo import load_demo_routines
from tenants.services import (
    ensure_municipality_hosts,
    ensure_public_tenant,
    provision_municipality,
)

DEMO_PASSWORD = "samla-demo"  # noqa: S105 (documented demo password)


@dataclass(frozen=True)
class DemoMunicipality:
    slug: str
    name: str
    org_number: str
    county: str
    number: str


# Municipality numbers (kommunenummer) as they are today. Vikna and Nærøy merged into
# Nærøysund (5060) in 2020; the demo keeps them apart, as seed 003 (2019) knows them, so
# each keeps its last own number (5050, 5051): a number names one municipality, and
# 5060 is left to the municipality that holds it today.


MUNICIPALITIES = [
    DemoMunicipality("nordre-land", "Nordre Land", "964950768", "Innlandet", "3448"),
    DemoMunicipality("nesseby", "Unjárga/Nesseby", "964994102", "Finnmark", "5636"),
    DemoMunicipality("larvik", "Larvik", "940029899", "Vestfold", "3805"),
    DemoMunicipality("steinkjer", "Steinkjer", "944889116", "Trøndelag", "5006"),
    DemoMunicipality("leka", "Leka", "945962151", "Trøndelag", "5052"),
    DemoMunicipality("bindal", "Bindal", "964983194", "Nordland", "1811"),
    DemoMunicipality("vikna", "Vikna", "938587418", "Trøndelag", "5050"),
    DemoMunicipality("naeroy", "Nærøy", "964983135", "Trøndelag", "5051"),
]

NETWORKS = [
    (
        "ks-trondelag-samhandling",
        "Styrket kvalitet i samhandlingen for utsatte barn og unge",
        Organiser.KS,
        "Trøndelag",
        ["steinkjer", "leka", "bindal", "vikna", "naeroy"],
    ),
    (
        "sf-finnmark-0-24",
        "0–24-samarbeidet i Finnmark",
        Organiser.COUNTY_GOVERNOR,
        "Finnmark",
        ["nesseby"],
    ),
    (
        "bti-innlandet-vestfold",
        "Bedre tverrfaglig innsats (BTI)",
        Organiser.BOTH,
        "Innlandet og Vestfold",
        ["nordre-land", "larvik"],
    ),
]
COMPETENCE_BASES = [
    ("namdalen", "Kompetansebase Namdalen", ["leka", "bindal", "vikna", "naeroy"]),
    ("innherred", "Kompetansebase Innherred", ["steinkjer"]),
]


def _user(username: str, first_name: str, last_name: str = "", **extra: object) -> User:
    user, _created = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name, **extra}
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def load_demo() -> list[tuple[str, str]]:
    """Create what the demo needs; return (login, where) pairs to print."""
    ensure_public_tenant()
    ensure_municipality_hosts()  # a demo database from before the base domain changed
    municipalities: dict[str, Municipality] = {}
    for demo in MUNICIPALITIES:
        existing = Municipality.objects.filter(slug=demo.slug).first()
        if existing is not None and existing.number is None:
            # Demo data loaded before municipalities had numbers.
            existing.number = demo.number
            existing.save(update_fields=["number"])
        municipalities[demo.slug] = existing or provision_municipality(
            name=demo.name,
            slug=demo.slug,
            org_number=demo.org_number,
            county=demo.county,
            number=demo.number,
        )
    logins: list[tuple[str, str]] = []
    with transaction.atomic():
        for slug, municipality in municipalities.items():
            leader = _user(f"leder.{slug}", "Prosjektleder", municipality.name)
            MunicipalityMembership.objects.get_or_create(
                user=leader, municipality=municipality, defaults={"role": MunicipalityRole.LEADER}
            )
            logins.append((leader.username, slug))
        networks = {}
        for slug, name, organiser, region, members in NETWORKS:
            network, _ = LearningNetwork.objects.get_or_create(
                slug=slug, defaults={"name": name, "organiser": organiser, "region": region}
            )
            network.municipalities.add(*(municipalities[m] for m in members))
            networks[slug] = network
        bases = {}
        for slug, name, members in COMPETENCE_BASES:
            base, _ = CompetenceBase.objects.get_or_create(slug=slug, defaults={"name": name})
            base.municipalities.add(*(municipalities[m] for m in members))
            bases[slug] = base

        ks = _user("koordinator.ks-trondelag", "Koordinator", "KS Trøndelag")
        CoordinatorRole.objects.get_or_create(user=ks, network=networks["ks-trondelag-samhandling"])
        CoordinatorRole.objects.get_or_create(user=ks, competence_base=bases["namdalen"])
        sf = _user("koordinator.sf-finnmark", "Koordinator", "Statsforvalteren i Finnmark")
        CoordinatorRole.objects.get_or_create(user=sf, network=networks["sf-finnmark-0-24"])
        logins += [(ks.username, "nettverk"), (sf.username, "nettverk")]

        consultancy, _ = Consultancy.objects.get_or_create(
            slug="samarbeid-sor", defaults={"name": "Samarbeid Sør", "org_number": "912660680"}
        )
        consultant = _user("konsulent.samarbeid-sor", "Konsulent", "Samarbeid Sør")
        ConsultancyMembership.objects.get_or_create(user=consultant, consultancy=consultancy)
        MunicipalityMembership.objects.get_or_create(
            user=consultant,
            municipality=municipalities["larvik"],
            defaults={
                "role": MunicipalityRole.CONSULTANT,
                "valid_until": timezone.localdate() + datetime.timedelta(days=365),
            },
        )
        logins.append((consultant.username, "larvik"))

        operator = _user("admin", "Driftsoperatør", is_staff=True)
        PlatformOperator.objects.get_or_create(user=operator)
        logins.append((operator.username, "drift"))
    for slug, municipality in municipalities.items():
        load_seed_plans(municipality, User.objects.get(username=f"leder.{slug}"))
    load_demo_gatherings()
    load_demo_indicators(operator)
    load_demo_history()
    load_demo_templates()
    load_demo_cms()
    load_demo_routines()  # after the CMS: routines name its collaboration methods
    # After the CMS (a package links to its programme page) and the plans (an order's
    # schedule goes into one): packages, orders, invoices and licences.
    load_demo_billing(municipalities)
    return logins


def load_seed_plans(municipality: Municipality, leader: User) -> list[Plan]:
    """The municipality's seed plans, mid-way as of today; those already there are kept."""
    made = []
    today = timezone.localdate()
    with tenant_context(municipality):
        for key in PLANS_BY_MUNICIPALITY.get(municipality.slug, ()):
            seed = SEEDS[key]
            if not Plan.objects.filter(title=seed["plan"]["title"]).exists():
                made.append(build_seed_plan(municipality, leader, seed, today=today))
    return made
