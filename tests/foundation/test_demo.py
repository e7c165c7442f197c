"""The demo data: the seed municipalities, networks, users and plans, loadable twice."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from samla.accounts.models import CoordinatorRole, MunicipalityMembership, PlatformOperator, User
from samla.demo import DEMO_PASSWORD, MUNICIPALITIES
from tenants.models import Municipality
from tenants.plans.models import Plan
from tenants.plans.seed_plans import PLANS_BY_MUNICIPALITY, SEEDS
from tests.conftest import client_for


def test_demo_loads_twice_and_logs_everyone_in(db, capsys):
    call_command("demo_data")
    call_command("demo_data")
    out = capsys.readouterr().out
    slugs = {m.slug for m in MUNICIPALITIES}
    assert slugs <= set(Municipality.objects.values_list("slug", flat=True))
    assert Municipality.objects.without_public().filter(slug__in=slugs).count() == 8
    for slug in slugs:
        user = User.objects.get(username=f"leder.{slug}")
        assert user.check_password(DEMO_PASSWORD)
        assert MunicipalityMembership.objects.filter(user=user, municipality__slug=slug).exists()
        assert f"http://{slug}.localhost/" in out
    assert CoordinatorRole.objects.filter(user__username="koordinator.ks-trondelag").count() == 2
    assert CoordinatorRole.objects.filter(user__username="koordinator.sf-finnmark").count() == 1
    assert PlatformOperator.objects.filter(user__username="admin").exists()
    assert User.objects.get(username="konsulent.samarbeid-sor").check_password(DEMO_PASSWORD)

    response = client_for("steinkjer.localhost", User.objects.get(username="leder.steinkjer"))
    assert "Steinkjer" in response.get("/").content.decode()


def test_each_municipality_has_its_seed_plans_once_mid_way_today(db):
    # given the demo loaded twice
    call_command("demo_data")
    call_command("demo_data")
    today = timezone.localdate()

    for municipality in Municipality.objects.without_public().filter(
        slug__in=PLANS_BY_MUNICIPALITY
    ):
        with tenant_context(municipality):
            # then each seed plan is there once, running today, as a network mid-way (a plan
            # started from a network's template is the demo's too: networks/plantemplates/demo.py)
            seeded = Plan.objects.filter(template_adoption__isnull=True)
            titles = sorted(seeded.values_list("title", flat=True))
            expected = sorted(
                SEEDS[key]["plan"]["title"] for key in PLANS_BY_MUNICIPALITY[municipality.slug]
            )
            assert titles == expected, municipality.slug
            for plan in seeded:
                assert plan.start <= today <= plan.end and plan.status == "active"
                assert plan.milestones.filter(status="done", done_on__lte=today).exists()
                overdue = plan.milestones.filter(due__lt=today).exclude(status="done")
                assert overdue.count() == 1, municipality.slug
                assert plan.status_reports.filter(submitted_at__isnull=False).count() == 1
                assert plan.phases.filter(is_current=True).count() == 1
