"""The one module that talks to Stripe (the `stripe` SDK, 16.x).

Samla invoices on behalf of each consultancy on the consultancy's connected account (the
`Stripe-Account` header); the platform seller's own invoices (licences,
`Consultancy.is_platform`) go on the platform account. A municipality is a customer once per
account (`StripeCustomer`). An invoice is made with `collection_method=send_invoice`,
`days_until_due=30`, one item per invoice line and one for the VAT (Stripe's total is the
Samla invoice's gross total, in øre), the platform fee as `application_fee_amount`, the
bank account and KID in the footer, Samla's ids in the metadata, `auto_advance=False`, and
finalized without Stripe e-mailing it: the EHF document is the delivery, and carries the
hosted invoice link where the municipality can pay by card.

Every call that may be retried names an idempotency key derived from Samla's own row
(`samla-invoice-12-create`, …), so a retried push makes one Stripe invoice. What Stripe
answers is stored on Samla's rows (ids, hosted URL, status).

Settings: `STRIPE_SECRET_KEY` (empty: Stripe is not set up, `enabled()` is false and
invoicing goes by EHF only), `STRIPE_API_BASE` (tests: the local fake),
`STRIPE_WEBHOOK_SECRET` (`billing.webhooks`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import (
    Consultancy,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    StripeAccountState,
    StripeCustomer,
)

CURRENCY = "nok"
DAYS_UNTIL_DUE = 30
# Stripe's ids, statuses and connection errors, for callers that handle them.
StripeError = stripe.StripeError


class NotConfigured(Exception):
    """Stripe's keys are not set: card payment is not set up (409 in the API)."""

    def __init__(self) -> None:
        super().__init__(_("Kortbetaling med Stripe er ikke satt opp."))


def enabled() -> bool:
    """Whether Stripe's keys are configured."""
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    """The process's client for the configured key and address (one per process: its HTTP
    session keeps the connection to Stripe open between calls)."""
    if not enabled():
        raise NotConfigured
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


@functools.lru_cache(maxsize=4)
def _client(key: str, base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        key,
        base_addresses={"api": base} if base else None,
        # Samla's tasks retry with backoff; the SDK retries a dropped connection at once.
        max_network_retries=1,
    )


def ore(amount: Decimal) -> int:
    """NOK as Stripe's integer øre; an amount with a fraction of an øre is refused."""
    value = Decimal(amount) * 100
    if value != value.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of øre")
    return int(value)


def account_of(consultancy: Consultancy) -> str | None:
    """The `Stripe-Account` a seller's invoices go on (None: the platform's own account)."""
    if consultancy.is_platform:
        return None
    if not consultancy.stripe_account_id:
        raise ValueError(f"consultancy {consultancy.pk} has no Stripe account")
    return consultancy.stripe_account_id


def _options(
    account: str | None, key: str | None = None, params: dict[str, Any] | None = None
) -> stripe.RequestOptions:
    """The account a request acts on and its idempotency key: Samla's row, and a digest
    of what is sent. A retry is the same request and gets Stripe's first answer; the same
    row sent with other details (its Stripe id was never stored, a database restored from
    a backup) is a new request rather than a key Stripe refuses as reused."""
    options: stripe.RequestOptions = {}
    if account:
        options["stripe_account"] = account
    if key:
        options["idempotency_key"] = f"{key}-{_digest({'account': account, **(params or {})})}"
    return options


def can_invoice(consultancy: Consultancy) -> bool:
    """Whether the seller's invoices go to Stripe: the platform's, or a consultancy's with a
    connected account (made at onboarding; card payment works once Stripe enables it)."""
    return consultancy.is_platform or bool(consultancy.stripe_account_id)


# Connected accounts ------------------------------------------------------------------------


def create_connected_account(consultancy: Consultancy) -> Consultancy:
    """The consultancy's Express account (once: an existing id is kept); state NONE→PENDING.
    Samla itself (the platform seller) has none: its invoices are on the platform account."""
    if consultancy.is_platform:
        raise ValueError("the platform seller invoices on the platform's own account")
    if consultancy.stripe_account_id:
        return consultancy
    params: dict[str, Any] = {
        "type": "express",
        "country": "NO",
        "business_type": "company",
        "business_profile": {"name": consultancy.name},
        "metadata": {"samla_consultancy": str(consultancy.pk)},
    }
    if consultancy.contact_email:
        params["email"] = consultancy.contact_email
    account = client().v1.accounts.create(
        params,  # type: ignore[arg-type]
        _options(None, f"samla-consultancy-{consultancy.pk}-account", params),
    )
    with transaction.atomic():
        locked = Consultancy.objects.select_for_update().get(pk=consultancy.pk)
        if not locked.stripe_account_id:
            locked.stripe_account_id = account.id
            locked.stripe_account_state = StripeAccountState.PENDING
            locked.save(update_fields=["stripe_account_id", "stripe_account_state"])
    return locked


def onboarding_link(consultancy: Consultancy, return_url: str, refresh_url: str) -> str:
    """A one-time link to Stripe's onboarding of the consultancy's account (made if needed)."""
    consultancy = create_connected_account(consultancy)
    link = client().v1.account_links.create(
        {
            "account": consultancy.stripe_account_id,
            "type": "account_onboarding",
            "return_url": return_url,
            "refresh_url": refresh_url,
        }
    )
    return str(link.url)


def account_state(account: dict[str, Any]) -> str:
    """Samla's state of a Stripe account (an object or an event's snapshot): enabled when
    it can take charges with nothing overdue, restricted when details were submitted but
    Stripe holds it back, pending while onboarding is unfinished."""
    requirements = account.get("requirements") or {}
    held_back = bool(requirements.get("disabled_reason") or requirements.get("past_due"))
    if account.get("charges_enabled") and not held_back:
        return StripeAccountState.ENABLED
    if account.get("details_submitted") or account.get("charges_enabled"):
        return StripeAccountState.RESTRICTED
    return StripeAccountState.PENDING


def retrieve_account(account_id: str) -> dict[str, Any]:
    return client().v1.accounts.retrieve(account_id).to_dict()


# Invoices -------------------------------------------------------------------------------


def customer_for(invoice: Invoice) -> str:
    """The municipality as a customer on the seller's account (made once, then stored)."""
    found = StripeCustomer.objects.filter(
        consultancy_id=invoice.consultancy_id, municipality_id=invoice.municipality_id
    ).first()
    if found is not None:
        return found.stripe_customer_id
    municipality = invoice.municipality
    params: dict[str, Any] = {
        "name": _invoice_name(invoice),
        "preferred_locales": ["nb"],
        "metadata": {
            "samla_municipality": str(municipality.pk),
            "org_number": municipality.org_number,
        },
    }
    email = invoice.order.invoice_email if invoice.order_id and invoice.order else ""
    if email:
        params["email"] = email
    customer = client().v1.customers.create(
        params,  # type: ignore[arg-type]
        _options(
            account_of(invoice.consultancy),
            f"samla-customer-{invoice.consultancy_id}-{invoice.municipality_id}",
            params,
        ),
    )
    stored, _created = StripeCustomer.objects.get_or_create(
        consultancy_id=invoice.consultancy_id,
        municipality_id=invoice.municipality_id,
        defaults={"stripe_customer_id": customer.id},
    )
    return stored.stripe_customer_id


def _digest(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:12]


def _invoice_name(invoice: Invoice) -> str:
    if invoice.order_id and invoice.order is not None:
        return invoice.order.invoice_name
    return str(invoice.municipality.name)


def footer(invoice: Invoice) -> str:
    """Where a bank payment goes: the seller's account and the invoice's KID."""
    account = invoice.consultancy.bank_account
    if invoice.consultancy.is_platform and not account:
        account = settings.SAMLA_PLATFORM_BANK_ACCOUNT
    return _(
        "Faktura %(number)s. Betal til konto %(account)s med KID %(kid)s. "
        "EHF-fakturaen er det juridiske dokumentet."
    ) % {"number": invoice.number, "account": account, "kid": invoice.kid}


def _line_description(line: InvoiceLine) -> str:
    quantity = f"{line.quantity.normalize():f}"
    return f"{line.name} ({quantity} {line.get_unit_display()} × {line.unit_price:.2f} kr)"


def push_invoice(invoice: Invoice) -> Invoice:
    """Make the issued invoice in Stripe (customer, lines, VAT, fee, footer), finalize it
    without Stripe sending it, and store the ids and the hosted URL. Safe to repeat: each
    step's idempotency key is Samla's, and an invoice already pushed is only re-read."""
    invoice = Invoice.objects.select_related("consultancy", "municipality", "order").get(
        pk=invoice.pk
    )
    if invoice.kind != InvoiceKind.INVOICE or invoice.number is None:
        raise ValueError(f"invoice {invoice.pk} is not an issued invoice")
    account = account_of(invoice.consultancy)
    stripe_client = client()
    key = f"samla-invoice-{invoice.pk}"
    stripe_id = invoice.stripe_invoice_id
    if not stripe_id:
        customer = customer_for(invoice)
        params: dict[str, Any] = {
            "customer": customer,
            "collection_method": "send_invoice",
            "days_until_due": DAYS_UNTIL_DUE,
            "auto_advance": False,
            "description": _("Faktura %(number)s fra %(seller)s")
            % {"number": invoice.number, "seller": invoice.consultancy.name},
            "footer": footer(invoice),
            "metadata": {
                "samla_invoice": str(invoice.pk),
                "samla_number": str(invoice.number),
                "kid": invoice.kid,
                **({"samla_order": str(invoice.order_id)} if invoice.order_id else {}),
                **({"samla_licence": str(invoice.licence_id)} if invoice.licence_id else {}),
            },
        }
        if account is not None and invoice.platform_fee:
            params["application_fee_amount"] = ore(invoice.platform_fee)
        created = stripe_client.v1.invoices.create(
            params,  # type: ignore[arg-type]
            _options(account, f"{key}-create", params),
        )
        stripe_id = created.id
        Invoice.objects.filter(pk=invoice.pk).update(
            stripe_invoice_id=stripe_id, stripe_status=created.status or ""
        )
    remote = stripe_client.v1.invoices.retrieve(stripe_id, options=_options(account))
    if remote.status == "draft":
        customer_id = str(remote.customer)
        for line in invoice.lines.order_by("position", "id"):
            if line.stripe_line_id:
                continue  # added by an earlier push that stopped before finalizing
            item_params: Any = {
                "customer": customer_id,
                "invoice": stripe_id,
                "amount": ore(line.net_amount),
                "currency": CURRENCY,
                "description": _line_description(line),
                "metadata": {"samla_invoice_line": str(line.pk)},
            }
            item = stripe_client.v1.invoice_items.create(
                item_params, _options(account, f"{key}-line-{line.pk}", item_params)
            )
            InvoiceLine.objects.filter(pk=line.pk).update(stripe_line_id=item.id)
        if invoice.vat_total:
            vat_params: Any = {
                "customer": customer_id,
                "invoice": stripe_id,
                "amount": ore(invoice.vat_total),
                "currency": CURRENCY,
                "description": _("Merverdiavgift"),
                "metadata": {"samla_invoice": str(invoice.pk), "samla_vat": "true"},
            }
            stripe_client.v1.invoice_items.create(
                vat_params, _options(account, f"{key}-vat", vat_params)
            )
        remote = stripe_client.v1.invoices.finalize_invoice(
            stripe_id,
            {"auto_advance": False},
            _options(account, f"{key}-finalize", {"invoice": stripe_id}),
        )
    return store_remote(invoice, remote.to_dict())


def store_remote(invoice: Invoice, remote: dict[str, Any]) -> Invoice:
    """Stripe's view of the invoice (status, hosted URL, line ids) on Samla's row."""
    fields = {
        "stripe_invoice_id": remote["id"],
        "stripe_status": remote.get("status") or "",
        "stripe_hosted_url": remote.get("hosted_invoice_url") or invoice.stripe_hosted_url,
    }
    changed = {name: value for name, value in fields.items() if getattr(invoice, name) != value}
    if changed:
        Invoice.objects.filter(pk=invoice.pk).update(**changed)
        for name, value in changed.items():
            setattr(invoice, name, value)
    return invoice


def retrieve_invoice(invoice: Invoice, stripe_id: str = "") -> dict[str, Any]:
    """Stripe's invoice as it stands now (the source of truth where events arrive unordered);
    `stripe_id` where Samla's row does not have it yet."""
    return (
        client()
        .v1.invoices.retrieve(
            stripe_id or invoice.stripe_invoice_id,
            options=_options(account_of(invoice.consultancy)),
        )
        .to_dict()
    )


def pay_out_of_band(invoice: Invoice) -> Invoice:
    """Mark the Stripe invoice paid outside Stripe (a bank payment with KID). Paid or void
    there already: only re-read."""
    invoice = Invoice.objects.select_related("consultancy").get(pk=invoice.pk)
    if not invoice.stripe_invoice_id:
        return invoice
    account = account_of(invoice.consultancy)
    remote = retrieve_invoice(invoice)
    if remote["status"] == "open":
        remote = (
            client()
            .v1.invoices.pay(
                invoice.stripe_invoice_id,
                {"paid_out_of_band": True},
                _options(
                    account,
                    f"samla-invoice-{invoice.pk}-paid-out-of-band",
                    {"invoice": invoice.stripe_invoice_id},
                ),
            )
            .to_dict()
        )
    return store_remote(invoice, remote)


def credit(credit_note: Invoice) -> Invoice:
    """A Stripe credit note for the invoice the Samla credit note credits (its id stored on
    the credit note's row). Open in Stripe: the amount still due is credited (Stripe then
    closes the invoice); paid: the whole amount, refunded outside Stripe (out of band)."""
    credit_note = Invoice.objects.select_related("credited_invoice__consultancy").get(
        pk=credit_note.pk
    )
    credited = credit_note.credited_invoice
    if credit_note.kind != InvoiceKind.CREDIT_NOTE or credited is None:
        raise ValueError(f"invoice {credit_note.pk} is not a credit note")
    if credit_note.stripe_invoice_id or not credited.stripe_invoice_id:
        return credit_note
    account = account_of(credited.consultancy)
    remote = retrieve_invoice(credited)
    params: dict[str, Any] = {
        "invoice": credited.stripe_invoice_id,
        "memo": _("Kreditnota %(number)s") % {"number": credit_note.number},
        "metadata": {"samla_credit_note": str(credit_note.pk)},
    }
    if remote["status"] == "open":
        params["amount"] = remote["amount_remaining"]
    elif remote["status"] == "paid":
        params["amount"] = params["out_of_band_amount"] = remote["total"]
    else:
        return credit_note
    if params["amount"] <= 0:
        return credit_note
    note = client().v1.credit_notes.create(
        params,  # type: ignore[arg-type]
        _options(account, f"samla-credit-note-{credit_note.pk}", params),
    )
    Invoice.objects.filter(pk=credit_note.pk).update(
        stripe_invoice_id=note.id, stripe_status=note.status or ""
    )
    # A credit note closes an open Stripe invoice: its new state stored too.
    store_remote(credited, retrieve_invoice(credited))
    credit_note.stripe_invoice_id = note.id
    credit_note.stripe_status = note.status or ""
    return credit_note
