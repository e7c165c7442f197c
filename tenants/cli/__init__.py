"""Subcommands of `samla municipality` beyond create, list and check, one module per area.

Each module declares `ACTIONS` (the subcommand names it answers), `add_parsers(sub)` and
`handle(command, action, options)`; `tenants/management/commands/municipality.py` asks each.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from samla.accounts.models import User
from tenants.models import Municipality


def municipality_by_slug(slug: str) -> Municipality:
    """The municipality with this slug (deleted and purged ones too), or a CommandError."""
    found = Municipality.objects.without_public().filter(slug=slug).first()
    if found is None:
        raise CommandError(_("Fant ingen kommune med kortnavnet «%(slug)s».") % {"slug": slug})
    return found


def user_by_username(username: str | None) -> User | None:
    """The user with this username (None when none is given), or a CommandError."""
    if not username:
        return None
    found = User.objects.filter(username=username).first()
    if found is None:
        raise CommandError(_("Fant ingen bruker «%(name)s».") % {"name": username})
    return found
