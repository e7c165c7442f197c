"""`manage.py sync_cms_roles`: rewrite every Wagtail role group, each network's readers
group and the members-only pages' view restrictions from Samla's rows (also nightly, as
the Celery task `cms.sync_roles`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cms.services import sync_all


class Command(BaseCommand):
    help = (
        "Wagtail-grupper for drift, nettverk, nettverkenes medlemmer og konsulentselskaper, "
        "på nytt fra rollene."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sync_all()
        self.stdout.write("cms roles synced")
