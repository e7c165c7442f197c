"""A local, stateful fake of the part of Stripe's HTTP API that Samla calls.

The real `stripe` SDK talks to it (`StripeClient(key, base_addresses={"api": fake.url})`):
form-encoded bodies as the SDK writes them, `Stripe-Account` scoping each connected
account's objects, `Idempotency-Key` (the same key answers the same response; the same key
with other parameters is Stripe's `idempotency_error`), and Stripe's error shape. Every
request and response is recorded, so a test can check them against Stripe's OpenAPI
description (`tests/billing/stripe_fake/openapi.py`).

Served: accounts (create, retrieve), account_links (create), customers (create, retrieve),
invoices (create, retrieve, list, finalize, pay, void), invoiceitems (create), credit_notes
(create). Beyond the API, `pay_by_card`, `update_account` and `event` let a test play what
happens at Stripe (a card payment, onboarding done) and build the webhook event Stripe
would send; `fail_next` makes the next requests fail as Stripe or the network can.

Start it with `FakeStripe().start()` (a thread on 127.0.0.1, a free port) and `stop()`;
`tests/billing/stripe_fake/fixtures.py` has the pytest fixture, `benchmarks/billing.py`
can use the class directly.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_KEY = "sk_test_samla_fake"
WEBHOOK_SECRET = "whsec_samla_fake"
PLATFORM = ""  # the scope of requests without Stripe-Account
# `fail_next(status=LOST_ANSWER)`: the request is done, and its answer lost on the way back.
LOST_ANSWER = -1


class StripeError(Exception):
    def __init__(
        self, status: int, message: str, *, type_: str = "invalid_request_error", **extra: Any
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message, **extra}}


@dataclass
class Recorded:
    method: str
    path: str
    account: str
    idempotency_key: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    # The operation of the OpenAPI description (`/v1/invoices/{invoice}`, "post").
    operation: tuple[str, str] = ("", "")
    # Answered from the idempotency store: the same response as the first time.
    replayed: bool = False


@dataclass
class _Failure:
    status: int  # 0: the connection is closed without an answer
    count: int
    after: int = 0  # requests that pass before these fail


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding as the SDK writes it: `a[b]=1`, `a[0]=x`, `a[0][b]=y`."""
    result: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = result
        for part, following in itertools.zip_longest(parts, parts[1:]):
            if following is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(result)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {k: _lists(v) for k, v in node.items()}
        if converted and all(k.isdigit() for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    return node


def _int(params: dict[str, Any], name: str, default: int | None = None) -> int:
    value = params.get(name)
    if value is None:
        if default is None:
            raise StripeError(400, f"Missing required param: {name}.", param=name)
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid integer: {value}", param=name) from None


def _bool(params: dict[str, Any], name: str, default: bool) -> bool:
    value = params.get(name)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise StripeError(400, f"Invalid boolean: {value}", param=name)
    return value == "true"


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    value = params.get("metadata") or {}
    if not isinstance(value, dict):
        raise StripeError(400, "Invalid metadata", param="metadata")
    return {str(k): str(v) for k, v in value.items()}


@dataclass
class FakeStripe:
    """The fake's state: objects by account scope, recorded requests, injected failures."""

    api_key: str = API_KEY
    webhook_secret: str = WEBHOOK_SECRET
    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    recorded: list[Recorded] = field(default_factory=list)
    # (account, key) → the request first made with the key, and what it answered.
    idempotent: dict[tuple[str, str], Recorded] = field(default_factory=dict)
    failures: list[_Failure] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _numbers: dict[str, int] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # Running -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self, port: int = 0) -> FakeStripe:
        fake = self

        class Handler(_Handler):
            stripe = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def fail_next(self, count: int = 1, *, status: int = 500, after: int = 0) -> None:
        """The next `count` requests fail: with `status`; 0: the connection closed before the
        request is done; `LOST_ANSWER`: done, and the connection closed before the answer.
        `after`: so many requests pass first."""
        with self.lock:
            self.failures.append(_Failure(status, count, after))

    def calls(self, method: str, path: str) -> list[Recorded]:
        """Successful requests to one path (`calls("POST", "/v1/invoices")`), in order."""
        return [r for r in self.recorded if (r.method, r.path, r.status) == (method, path, 200)]

    # Objects -------------------------------------------------------------------------------

    def _scope(self, account: str) -> dict[str, dict[str, Any]]:
        return self.objects.setdefault(account, {})

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_{secrets.token_hex(8)}"

    def get(self, account: str, object_id: str, kind: str) -> dict[str, Any]:
        found = self._scope(account).get(object_id)
        if found is None or found["object"] != kind:
            raise StripeError(
                404, f"No such {kind}: '{object_id}'", code="resource_missing", param="id"
            )
        return found

    def find(self, object_id: str) -> tuple[str, dict[str, Any]]:
        """An object by id in any scope (for tests): (account, object)."""
        for account, scope in self.objects.items():
            if object_id in scope:
                return account, scope[object_id]
        raise KeyError(object_id)

    # What happens at Stripe outside the API ------------------------------------------------

    def update_account(self, account_id: str, **changes: Any) -> dict[str, Any]:
        """Onboarding progressed: `charges_enabled`, `details_submitted`, `requirements`."""
        with self.lock:
            account = self.get(PLATFORM, account_id, "account")
            account.update(changes)
            return account

    def pay_by_card(self, account: str, invoice_id: str) -> dict[str, Any]:
        """The municipality paid the invoice on its hosted page."""
        with self.lock:
            invoice = self.get(account, invoice_id, "invoice")
            if invoice["status"] != "open":
                raise StripeError(400, "Invoice is not open.")
            self._mark_paid(invoice, out_of_band=False)
            return invoice

    def event(self, type_: str, obj: dict[str, Any], *, account: str = "") -> dict[str, Any]:
        """The event Stripe would send about `obj` (a snapshot, as Stripe's are)."""
        event: dict[str, Any] = {
            "id": self._new_id("evt"),
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "data": {"object": json.loads(json.dumps(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }
        if account:
            event["account"] = account
        return event

    # Dispatch ------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: str, body: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        with self.lock:
            lose_answer = False
            for failure in self.failures:
                if failure.after > 0:
                    failure.after -= 1
                    break
                if failure.count > 0:
                    failure.count -= 1
                    if failure.status == LOST_ANSWER:
                        lose_answer = True
                        break
                    if failure.status == 0:
                        raise ConnectionAbortedError
                    return failure.status, StripeError(
                        failure.status, "An unexpected error occurred.", type_="api_error"
                    ).body
            account = headers.get("stripe-account", "")
            key = headers.get("idempotency-key", "")
            params = decode_form(body if method == "POST" else query)
            operation = ("", method.lower())
            try:
                if headers.get("authorization") != f"Bearer {self.api_key}":
                    raise StripeError(401, "Invalid API Key provided.")
                if key and method == "POST":
                    seen = self.idempotent.get((account, key))
                    if seen is not None:
                        if (seen.method, seen.path, seen.params) != (method, path, params):
                            raise StripeError(
                                400,
                                "Keys for idempotent requests can only be used with the same "
                                "parameters they were first used with.",
                                type_="idempotency_error",
                            )
                        replay = dataclasses.replace(seen, replayed=True)
                        self.recorded.append(replay)
                        return replay.status, replay.response
                operation, handler, args = self._route(method, path)
                status, response = 200, handler(account, params, *args)
            except StripeError as error:
                status, response = error.status, error.body
            response = json.loads(json.dumps(response))
            recorded = Recorded(method, path, account, key, params, status, response, operation)
            if key and method == "POST" and status < 500:
                self.idempotent[(account, key)] = recorded
            self.recorded.append(recorded)
            if lose_answer:
                raise ConnectionAbortedError
            return status, response

    def _route(self, method: str, path: str) -> tuple[tuple[str, str], Any, tuple[str, ...]]:
        routes: list[tuple[str, str, str, Any]] = [
            ("POST", r"/v1/accounts", "/v1/accounts", self.create_account),
            ("GET", r"/v1/accounts/([\w]+)", "/v1/accounts/{account}", self.retrieve_account),
            ("POST", r"/v1/account_links", "/v1/account_links", self.create_account_link),
            ("POST", r"/v1/customers", "/v1/customers", self.create_customer),
            (
                "GET",
                r"/v1/customers/([\w]+)",
                "/v1/customers/{customer}",
                self.retrieve_customer,
            ),
            ("POST", r"/v1/invoices", "/v1/invoices", self.create_invoice),
            ("GET", r"/v1/invoices", "/v1/invoices", self.list_invoices),
            ("GET", r"/v1/invoices/([\w]+)", "/v1/invoices/{invoice}", self.retrieve_invoice),
            (
                "POST",
                r"/v1/invoices/([\w]+)/finalize",
                "/v1/invoices/{invoice}/finalize",
                self.finalize_invoice,
            ),
            ("POST", r"/v1/invoices/([\w]+)/pay", "/v1/invoices/{invoice}/pay", self.pay_invoice),
            (
                "POST",
                r"/v1/invoices/([\w]+)/void",
                "/v1/invoices/{invoice}/void",
                self.void_invoice,
            ),
            ("POST", r"/v1/invoiceitems", "/v1/invoiceitems", self.create_invoiceitem),
            ("POST", r"/v1/credit_notes", "/v1/credit_notes", self.create_credit_note),
        ]
        for r_method, pattern, template, handler in routes:
            match = re.fullmatch(pattern, path)
            if r_method == method and match:
                return (template, method.lower()), handler, match.groups()
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    # Accounts ------------------------------------------------------------------------------

    def create_account(self, account: str, params: dict[str, Any]) -> dict[str, Any]:
        if account:
            raise StripeError(400, "Connected accounts cannot create accounts.")
        kind = params.get("type", "express")
        if kind not in ("custom", "express", "standard"):
            raise StripeError(400, f"Invalid type: {kind}", param="type")
        created = {
            "id": self._new_id("acct"),
            "object": "account",
            "type": kind,
            "country": params.get("country", "NO"),
            "email": params.get("email"),
            "default_currency": "nok",
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "metadata": _metadata(params),
            "created": int(time.time()),
            "business_profile": {
                "name": (params.get("business_profile") or {}).get("name"),
                "mcc": None,
                "product_description": None,
                "support_address": None,
                "support_email": None,
                "support_phone": None,
                "support_url": None,
                "url": None,
            },
            "business_type": params.get("business_type"),
            "requirements": {
                "alternatives": [],
                "current_deadline": None,
                "currently_due": ["external_account", "tos_acceptance.date"],
                "disabled_reason": "requirements.past_due",
                "errors": [],
                "eventually_due": ["external_account", "tos_acceptance.date"],
                "past_due": [],
                "pending_verification": [],
            },
            "settings": None,
        }
        self._scope(PLATFORM)[created["id"]] = created
        return created

    def retrieve_account(
        self, account: str, params: dict[str, Any], account_id: str
    ) -> dict[str, Any]:
        return self.get(PLATFORM, account_id, "account")

    def create_account_link(self, account: str, params: dict[str, Any]) -> dict[str, Any]:
        for name in ("account", "type"):
            if not params.get(name):
                raise StripeError(400, f"Missing required param: {name}.", param=name)
        if params["type"] not in ("account_onboarding", "account_update"):
            raise StripeError(400, f"Invalid type: {params['type']}", param="type")
        target = self.get(PLATFORM, params["account"], "account")
        now = int(time.time())
        return {
            "object": "account_link",
            "created": now,
            "expires_at": now + 300,
            "url": f"https://connect.stripe.com/setup/e/{target['id']}/{secrets.token_hex(6)}",
        }

    # Customers -----------------------------------------------------------------------------

    def create_customer(self, account: str, params: dict[str, Any]) -> dict[str, Any]:
        created = {
            "id": self._new_id("cus"),
            "object": "customer",
            "created": int(time.time()),
            "livemode": False,
            "name": params.get("name"),
            "email": params.get("email"),
            "description": params.get("description"),
            "address": params.get("address"),
            "preferred_locales": params.get("preferred_locales", []),
            "tax_exempt": params.get("tax_exempt", "none"),
            "metadata": _metadata(params),
            "balance": 0,
            "currency": None,
            "delinquent": False,
            "invoice_prefix": secrets.token_hex(4).upper(),
        }
        self._scope(account)[created["id"]] = created
        return created

    def retrieve_customer(
        self, account: str, params: dict[str, Any], customer_id: str
    ) -> dict[str, Any]:
        return self.get(account, customer_id, "customer")

    # Invoices ------------------------------------------------------------------------------

    def create_invoice(self, account: str, params: dict[str, Any]) -> dict[str, Any]:
        customer = self.get(account, params.get("customer", ""), "customer")
        method = params.get("collection_method", "charge_automatically")
        if method not in ("charge_automatically", "send_invoice"):
            raise StripeError(400, f"Invalid collection_method: {method}")
        due_days = params.get("days_until_due")
        if method == "send_invoice" and due_days is None and params.get("due_date") is None:
            raise StripeError(
                400,
                "Missing required param: days_until_due or due_date for send_invoice.",
                param="days_until_due",
            )
        fee = params.get("application_fee_amount")
        if fee is not None and not account:
            raise StripeError(
                400,
                "Can only apply an application_fee_amount when the request is made on behalf "
                "of another account.",
                param="application_fee_amount",
            )
        now = int(time.time())
        invoice: dict[str, Any] = {
            "id": self._new_id("in"),
            "object": "invoice",
            "account_country": "NO",
            "account_name": None,
            "amount_due": 0,
            "amount_paid": 0,
            "amount_remaining": 0,
            "amount_shipping": 0,
            "application_fee_amount": None
            if fee is None
            else _int(params, "application_fee_amount"),
            "attempt_count": 0,
            "attempted": False,
            "auto_advance": _bool(params, "auto_advance", method == "charge_automatically"),
            "automatic_tax": {"enabled": False, "status": None},
            "collection_method": method,
            "created": now,
            "currency": params.get("currency", "nok"),
            "customer": customer["id"],
            "customer_name": customer.get("name"),
            "customer_email": customer.get("email"),
            "days_until_due": None if due_days is None else _int(params, "days_until_due"),
            "default_tax_rates": [],
            "description": params.get("description"),
            "due_date": None,
            "footer": params.get("footer"),
            "hosted_invoice_url": None,
            "invoice_pdf": None,
            "lines": {"object": "list", "data": [], "has_more": False, "url": ""},
            "livemode": False,
            "metadata": _metadata(params),
            "number": None,
            "paid": False,
            "paid_out_of_band": False,
            "payment_settings": {"payment_method_options": None, "payment_method_types": None},
            "period_end": now,
            "period_start": now,
            "post_payment_credit_notes_amount": 0,
            "pre_payment_credit_notes_amount": 0,
            "starting_balance": 0,
            "status": "draft",
            "status_transitions": {
                "finalized_at": None,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            "subtotal": 0,
            "tax": None,
            "total": 0,
            "total_tax_amounts": [],
        }
        invoice["lines"]["url"] = f"/v1/invoices/{invoice['id']}/lines"
        self._scope(account)[invoice["id"]] = invoice
        return invoice

    def retrieve_invoice(
        self, account: str, params: dict[str, Any], invoice_id: str
    ) -> dict[str, Any]:
        return self.get(account, invoice_id, "invoice")

    def list_invoices(self, account: str, params: dict[str, Any]) -> dict[str, Any]:
        invoices = [o for o in self._scope(account).values() if o["object"] == "invoice"]
        if params.get("customer"):
            invoices = [o for o in invoices if o["customer"] == params["customer"]]
        if params.get("status"):
            invoices = [o for o in invoices if o["status"] == params["status"]]
        invoices.sort(key=lambda o: (o["created"], o["id"]), reverse=True)
        if params.get("starting_after"):
            ids = [o["id"] for o in invoices]
            if params["starting_after"] in ids:
                invoices = invoices[ids.index(params["starting_after"]) + 1 :]
        limit = _int(params, "limit", 10)
        return {
            "object": "list",
            "data": invoices[:limit],
            "has_more": len(invoices) > limit,
            "url": "/v1/invoices",
        }

    def create_invoiceitem(self, account: str, params: dict[str, Any]) -> dict[str, Any]:
        customer = self.get(account, params.get("customer", ""), "customer")
        invoice = self.get(account, params.get("invoice", ""), "invoice")
        if invoice["customer"] != customer["id"]:
            raise StripeError(400, "The invoice belongs to another customer.", param="invoice")
        if invoice["status"] != "draft":
            raise StripeError(400, "Invoice items can only be added to draft invoices.")
        amount = _int(params, "amount")
        currency = params.get("currency", invoice["currency"])
        if currency != invoice["currency"]:
            raise StripeError(400, "The currency does not match the invoice's.", param="currency")
        now = int(time.time())
        item = {
            "id": self._new_id("ii"),
            "object": "invoiceitem",
            "amount": amount,
            "currency": currency,
            "customer": customer["id"],
            "date": now,
            "description": params.get("description"),
            "discountable": True,
            "invoice": invoice["id"],
            "livemode": False,
            "metadata": _metadata(params),
            "period": {"start": now, "end": now},
            "proration": False,
            "quantity": 1,
        }
        self._scope(account)[item["id"]] = item
        invoice["lines"]["data"].append(
            {
                "id": self._new_id("il"),
                "object": "line_item",
                "amount": amount,
                "currency": currency,
                "description": item["description"],
                "discountable": True,
                "invoice_item": item["id"],
                "livemode": False,
                "metadata": item["metadata"],
                "period": item["period"],
                "proration": False,
                "quantity": 1,
                "type": "invoiceitem",
            }
        )
        invoice["subtotal"] = invoice["total"] = sum(
            line["amount"] for line in invoice["lines"]["data"]
        )
        invoice["amount_due"] = invoice["amount_remaining"] = invoice["total"]
        return item

    def _number(self, account: str) -> str:
        self._numbers[account] = self._numbers.get(account, 0) + 1
        return f"SAMLA-{self._numbers[account]:04d}"

    def finalize_invoice(
        self, account: str, params: dict[str, Any], invoice_id: str
    ) -> dict[str, Any]:
        invoice = self.get(account, invoice_id, "invoice")
        if invoice["status"] != "draft":
            raise StripeError(
                400, "This invoice is already finalized.", code="invoice_not_editable"
            )
        now = int(time.time())
        invoice["auto_advance"] = _bool(params, "auto_advance", invoice["auto_advance"])
        invoice["status"] = "open"
        invoice["number"] = self._number(account)
        invoice["status_transitions"]["finalized_at"] = now
        invoice["hosted_invoice_url"] = (
            f"https://invoice.stripe.com/i/{account or 'platform'}/{secrets.token_hex(12)}"
        )
        invoice["invoice_pdf"] = invoice["hosted_invoice_url"] + "/pdf"
        if invoice["days_until_due"] is not None:
            invoice["due_date"] = now + 86400 * invoice["days_until_due"]
        if invoice["amount_due"] == 0:
            self._mark_paid(invoice, out_of_band=False)
        return invoice

    def _mark_paid(self, invoice: dict[str, Any], *, out_of_band: bool) -> None:
        invoice["status"] = "paid"
        invoice["paid"] = True
        invoice["paid_out_of_band"] = out_of_band
        invoice["amount_paid"] = invoice["amount_remaining"]
        invoice["amount_remaining"] = 0
        invoice["status_transitions"]["paid_at"] = int(time.time())

    def pay_invoice(self, account: str, params: dict[str, Any], invoice_id: str) -> dict[str, Any]:
        invoice = self.get(account, invoice_id, "invoice")
        if invoice["status"] == "paid":
            raise StripeError(400, "Invoice is already paid.", code="invoice_already_paid")
        if invoice["status"] != "open":
            raise StripeError(400, f"You cannot pay an invoice with status {invoice['status']}.")
        if not _bool(params, "paid_out_of_band", False):
            raise StripeError(
                402, "The customer has no attached payment source.", type_="card_error"
            )
        self._mark_paid(invoice, out_of_band=True)
        return invoice

    def void_invoice(self, account: str, params: dict[str, Any], invoice_id: str) -> dict[str, Any]:
        invoice = self.get(account, invoice_id, "invoice")
        if invoice["status"] != "open":
            raise StripeError(400, f"You cannot void an invoice with status {invoice['status']}.")
        invoice["status"] = "void"
        invoice["status_transitions"]["voided_at"] = int(time.time())
        return invoice

    # Credit notes --------------------------------------------------------------------------

    def create_credit_note(self, account: str, params: dict[str, Any]) -> dict[str, Any]:
        invoice = self.get(account, params.get("invoice", ""), "invoice")
        if invoice["status"] not in ("open", "paid"):
            raise StripeError(
                400, "Credit notes can only be issued for open or paid invoices.", param="invoice"
            )
        amount = _int(params, "amount")
        credited = sum(
            o["amount"]
            for o in self._scope(account).values()
            if o["object"] == "credit_note" and o["invoice"] == invoice["id"]
        )
        if amount <= 0 or credited + amount > invoice["total"]:
            raise StripeError(
                400, "The credit note's amount exceeds what can be credited.", param="amount"
            )
        out_of_band = _int(params, "out_of_band_amount", 0)
        refund = _int(params, "refund_amount", 0)
        credit = _int(params, "credit_amount", 0)
        if invoice["status"] == "paid" and out_of_band + refund + credit != amount:
            raise StripeError(
                400,
                "For a paid invoice, refund_amount, credit_amount and out_of_band_amount must "
                "add up to the credit note's amount.",
                param="amount",
            )
        pre_payment = invoice["status"] == "open"
        note = {
            "id": self._new_id("cn"),
            "object": "credit_note",
            "amount": amount,
            "amount_shipping": 0,
            "created": int(time.time()),
            "currency": invoice["currency"],
            "customer": invoice["customer"],
            "discount_amount": 0,
            "discount_amounts": [],
            "invoice": invoice["id"],
            "lines": {"object": "list", "data": [], "has_more": False, "url": ""},
            "livemode": False,
            "memo": params.get("memo"),
            "metadata": _metadata(params),
            "number": f"{invoice['number']}-CN-01",
            "out_of_band_amount": out_of_band or None,
            "pdf": f"https://pay.stripe.com/credit_notes/{secrets.token_hex(8)}/pdf",
            "reason": params.get("reason"),
            "refund": None,
            "status": "issued",
            "subtotal": amount,
            "tax_amounts": [],
            "total": amount,
            "type": "pre_payment" if pre_payment else "post_payment",
            "voided_at": None,
        }
        note["lines"]["url"] = f"/v1/credit_notes/{note['id']}/lines"
        if pre_payment:
            invoice["pre_payment_credit_notes_amount"] += amount
            invoice["amount_due"] -= amount
            invoice["amount_remaining"] -= amount
            if invoice["amount_remaining"] == 0:
                # Stripe marks an open invoice credited down to nothing as paid.
                self._mark_paid(invoice, out_of_band=False)
        else:
            invoice["post_payment_credit_notes_amount"] += amount
        self._scope(account)[note["id"]] = note
        return note


class _Handler(BaseHTTPRequestHandler):
    stripe: FakeStripe
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every answer back ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the recorded requests are the log."""

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            status, response = self.stripe.handle(method, parts.path, parts.query, body, headers)
        except ConnectionAbortedError:
            self.close_connection = True
            self.connection.close()
            return
        data = json.dumps(response).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")
