"""Nightly: Wagtail's role and readers groups rewritten from Samla's rows.

The signals keep the groups in step when a row is saved; what changes with the date alone
(a consultant's municipality role that ended yesterday) is repaired here. It runs in the
public schema, where Wagtail's tables are.
"""

from __future__ import annotations

from samla.celery import app


@app.task(name="cms.sync_roles")
def sync_roles() -> None:
    from cms.services import sync_all

    sync_all()
