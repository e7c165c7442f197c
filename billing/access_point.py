"""Sending an EHF document into the Peppol network through an access point.

One small interface, `AccessPoint.send(document, invoice_key=…, receiver=…)`, and the one
implementation Samla configures: `HttpAccessPoint`, which POSTs the UBL document to the
access point's HTTP API with the key as a bearer token and an `Idempotency-Key` header
derived from Samla's own invoice (so a retry after a lost answer is recognised by the
access point and never delivered twice). What went wrong is classified for the sender:
`RetryableSendError` (a timeout, no connection, a 5xx, 429) is worth trying again later;
`PermanentSendError` (any other 4xx: a document or receiver the access point refuses)
is not.

`configured()` gives the access point named by the settings `SAMLA_ACCESS_POINT_URL` and
`SAMLA_ACCESS_POINT_KEY`, or None: then invoices stay "not configured" and the EHF file
is offered for download instead.
"""

from __future__ import annotations

from typing import Protocol

import requests
from django.conf import settings
from django.utils.translation import gettext as _

RECEIVER_SCHEME = "0192"  # Peppol's identifier scheme for Norwegian organisation numbers
MAX_ERROR_LENGTH = 500


class SendError(Exception):
    """The access point did not take the document."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(message[:MAX_ERROR_LENGTH])


class RetryableSendError(SendError):
    """Worth another try later: the access point may have it, or may take it then."""


class PermanentSendError(SendError):
    """Refused for good: the same document sent again would be refused again."""


class AccessPoint(Protocol):
    def send(self, document: bytes, *, invoice_key: str, receiver: str) -> str:
        """Deliver the document; the access point's message id."""
        ...


def peppol_id(org_number: str) -> str:
    """A Norwegian organisation as a Peppol participant ("0192:<orgnr>")."""
    return f"{RECEIVER_SCHEME}:{org_number}"


class HttpAccessPoint:
    """An access point's HTTP API: `POST <url>` with the UBL document as the body."""

    def __init__(self, url: str, key: str, timeout: float = 20.0) -> None:
        self.url = url
        self.key = key
        self.timeout = timeout

    def send(self, document: bytes, *, invoice_key: str, receiver: str) -> str:
        try:
            response = requests.post(
                self.url,
                data=document,
                headers={
                    "Authorization": f"Bearer {self.key}",
                    "Content-Type": "application/xml",
                    "Accept": "application/json",
                    "Idempotency-Key": invoice_key,
                    "Peppol-Receiver": receiver,
                },
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise RetryableSendError(
                _("Aksesspunktet svarte ikke innen %(seconds)s sekunder.")
                % {"seconds": f"{self.timeout:g}"}
            ) from None
        except requests.RequestException as exc:
            raise RetryableSendError(
                _("Fikk ikke kontakt med aksesspunktet (%(error)s).")
                % {"error": type(exc).__name__}
            ) from None
        status = response.status_code
        answer = _("Aksesspunktet svarte %(status)s: %(text)s") % {
            "status": status,
            "text": response.text[:300],
        }
        if status >= 500 or status in (408, 429):
            raise RetryableSendError(answer, status=status)
        if status >= 300:
            raise PermanentSendError(answer, status=status)
        return _message_id(response)


def _message_id(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for name in ("message_id", "messageId", "id"):
            if isinstance(body.get(name), str) and body[name]:
                return str(body[name])[:100]
    location = response.headers.get("Location", "")
    if location:
        return location.rstrip("/").rsplit("/", 1)[-1][:100]
    raise PermanentSendError(
        _("Aksesspunktet svarte %(status)s uten meldings-id.") % {"status": response.status_code},
        status=response.status_code,
    )


def configured() -> AccessPoint | None:
    """The access point the settings name, or None when there is none."""
    url = getattr(settings, "SAMLA_ACCESS_POINT_URL", "")
    key = getattr(settings, "SAMLA_ACCESS_POINT_KEY", "")
    if not url or not key:
        return None
    timeout = float(getattr(settings, "SAMLA_ACCESS_POINT_TIMEOUT", 20.0))
    return HttpAccessPoint(url, key, timeout)
