"""The demo data: the seed municipalities, networks and users, loadable twice."""

from __future__ import annotations

from django.core.management import call_command

from samla.accounts.models import CoordinatorRole, MunicipalityMembership, PlatformOperator, User
from samla.demo import DEMO_PASSWORD, MUNICIPALITIES
from tenants.models import Municipality
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
