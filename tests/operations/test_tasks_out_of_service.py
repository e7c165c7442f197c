"""A task sent for a municipality that is deleted before it runs does nothing."""

from __future__ import annotations

from django.utils import timezone

from samla.tasks import run_for_municipality
from tenants.models import Municipality, SchemaCheck
from tenants.tasks import check_schema


def test_a_task_for_a_deleted_municipality_is_skipped(nordre_land: Municipality) -> None:
    assert run_for_municipality(nordre_land, check_schema)["missing_tables"] == []
    assert SchemaCheck.objects.filter(municipality=nordre_land).count() == 1

    Municipality.objects.filter(pk=nordre_land.pk).update(deleted_at=timezone.now())
    assert run_for_municipality(nordre_land, check_schema) is None
    assert SchemaCheck.objects.filter(municipality=nordre_land).count() == 1


def test_the_nightly_fan_outs_leave_deleted_municipalities_out(
    nordre_land: Municipality, nesseby: Municipality
) -> None:
    Municipality.objects.filter(pk=nordre_land.pk).update(deleted_at=timezone.now())
    live = set(Municipality.objects.live().values_list("slug", flat=True))
    assert "nesseby" in live
    assert "nordre-land" not in live
