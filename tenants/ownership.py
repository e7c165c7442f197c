"""Which rows in the public schema belong to one municipality: declared once, here.

A municipality's own data lives in its schema; a few kinds of rows about it live in the
public schema (its host names, who may sign in to it, its networks and sharing choices,
its roll-up history, what it shared to the library, what it bought). Backup, restore,
export and purge all walk this list, in this order (parents before children, so that a
restore can insert in order and a purge delete in reverse). A test asserts that every
foreign key to `Municipality` in the project is reached by an entry.

`bookkeeping` rows (orders, invoices, licences and what hangs on them) are kept for the
period the Bookkeeping Act requires (five years) whatever happens to the municipality:
a purge leaves them, attached to the municipality's row, which stays as a tombstone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models

if TYPE_CHECKING:
    from tenants.models import Municipality


@dataclass(frozen=True)
class Owned:
    """One model whose rows belong to a municipality through `path` (a lookup to it)."""

    label: str
    path: str
    bookkeeping: bool = False

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def rows(self, municipality: Municipality) -> models.QuerySet[models.Model]:
        """This model's rows that belong to `municipality`, in primary-key order."""
        return self.model._default_manager.filter(**{self.path: municipality}).order_by("pk")


OWNED_PUBLIC_MODELS: tuple[Owned, ...] = (
    Owned("tenants.Domain", "tenant"),
    Owned("tenants.SchemaCheck", "municipality"),
    Owned("accounts.MunicipalityMembership", "municipality"),
    Owned("accounts.IntegrationToken", "municipality"),
    Owned("networks.NetworkMembership", "municipality"),
    Owned("networks.OpenComparisonConsent", "membership__municipality"),
    Owned("networks.CompetenceBase_municipalities", "municipality"),
    Owned("networks.ProgressSnapshot", "municipality"),
    Owned("indicators.IndicatorValue", "municipality"),
    Owned("library.LibraryRoutine", "source_municipality"),
    Owned("library.LibraryRoutineVersion", "entry__source_municipality"),
    Owned("gatherings.Registration", "municipality"),
    Owned("gatherings.Participant", "registration__municipality"),
    Owned("gatherings.Answer", "municipality"),
    Owned("gatherings.JoinCode", "municipality"),
    Owned("billing.StripeCustomer", "municipality"),
    Owned("billing.Licence", "municipality", bookkeeping=True),
    Owned("billing.Order", "municipality", bookkeeping=True),
    Owned("billing.OrderLine", "order__municipality", bookkeeping=True),
    Owned("billing.OrderEvent", "order__municipality", bookkeeping=True),
    Owned("billing.Amendment", "order__municipality", bookkeeping=True),
    Owned("billing.ConsultantGrant", "municipality", bookkeeping=True),
    Owned("billing.Invoice", "municipality", bookkeeping=True),
    Owned("billing.InvoiceLine", "invoice__municipality", bookkeeping=True),
    Owned("billing.InvoiceEvent", "invoice__municipality", bookkeeping=True),
    Owned("billing.BankPayment", "invoice__municipality", bookkeeping=True),
)


def owned_rows(
    municipality: Municipality, *, bookkeeping: bool | None = None
) -> Iterator[tuple[Owned, models.QuerySet[models.Model]]]:
    """Each owned model with its rows for `municipality`, parents first.

    `bookkeeping=False` leaves out what the bookkeeping period keeps; `True` gives only it.
    """
    for owned in OWNED_PUBLIC_MODELS:
        if bookkeeping is None or owned.bookkeeping == bookkeeping:
            yield owned, owned.rows(municipality)
