"""The access point client against the local fake: what it sends, and how failures are classed."""

from __future__ import annotations

import pytest

from billing.access_point import (
    HttpAccessPoint,
    PermanentSendError,
    RetryableSendError,
    configured,
    peppol_id,
)
from tests.billing.ap_fake import FakeAccessPoint

DOCUMENT = (
    b'<?xml version="1.0"?>'
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
)


@pytest.fixture
def ap():
    with FakeAccessPoint() as fake:
        yield fake


def client(ap: FakeAccessPoint, timeout: float = 2.0, key: str | None = None) -> HttpAccessPoint:
    return HttpAccessPoint(ap.url, key or ap.key, timeout)


def test_the_document_goes_with_the_key_the_idempotency_key_and_the_receiver(ap):
    message_id = client(ap).send(DOCUMENT, invoice_key="samla-invoice-7", receiver="0192:964950768")

    [got] = ap.received
    assert got.body == DOCUMENT
    assert got.message_id == message_id
    assert got.headers["authorization"] == f"Bearer {ap.key}"
    assert got.headers["idempotency-key"] == "samla-invoice-7"
    assert got.headers["peppol-receiver"] == "0192:964950768"
    assert got.headers["content-type"] == "application/xml"


def test_the_same_idempotency_key_twice_is_taken_once(ap):
    first = client(ap).send(DOCUMENT, invoice_key="samla-invoice-7", receiver="0192:964950768")
    again = client(ap).send(DOCUMENT, invoice_key="samla-invoice-7", receiver="0192:964950768")

    assert first == again
    assert len(ap.received) == 1
    assert len(ap.requests) == 2


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_server_error_is_worth_retrying(ap, status):
    ap.fail_next(status=status)

    with pytest.raises(RetryableSendError) as failed:
        client(ap).send(DOCUMENT, invoice_key="k", receiver="0192:964950768")

    assert failed.value.status == status
    assert f"Aksesspunktet svarte {status}" in str(failed.value)
    assert ap.received == []


@pytest.mark.parametrize("status", [400, 404, 422])
def test_a_refusal_is_permanent(ap, status):
    ap.fail_next(status=status)

    with pytest.raises(PermanentSendError) as refused:
        client(ap).send(DOCUMENT, invoice_key="k", receiver="0192:964950768")

    assert refused.value.status == status


def test_a_wrong_key_is_permanent(ap):
    with pytest.raises(PermanentSendError, match="401"):
        client(ap, key="wrong").send(DOCUMENT, invoice_key="k", receiver="0192:964950768")


def test_a_timeout_is_worth_retrying_and_the_retry_is_recognised(ap):
    # Given an access point that takes the document but answers after the client gave up
    ap.hang_next(seconds=3)
    with pytest.raises(RetryableSendError, match=r"innen 0\.5 sekunder"):
        client(ap, timeout=0.5).send(DOCUMENT, invoice_key="samla-invoice-9", receiver="0192:1")

    # When the client tries again with the same key
    message_id = client(ap).send(DOCUMENT, invoice_key="samla-invoice-9", receiver="0192:1")

    # Then the access point has the document once, under the id it gave the first time
    assert [r.message_id for r in ap.received] == [message_id]
    assert [r.idempotency_key for r in ap.requests] == ["samla-invoice-9"] * 2


def test_no_connection_is_worth_retrying():
    fake = FakeAccessPoint().start()
    url = fake.url
    fake.stop()

    with pytest.raises(RetryableSendError, match="Fikk ikke kontakt"):
        HttpAccessPoint(url, "key", 1).send(DOCUMENT, invoice_key="k", receiver="0192:1")


def test_configured_only_with_url_and_key(settings):
    settings.SAMLA_ACCESS_POINT_URL = ""
    settings.SAMLA_ACCESS_POINT_KEY = "k"
    assert configured() is None
    settings.SAMLA_ACCESS_POINT_URL = "http://127.0.0.1:9/v1/documents"
    settings.SAMLA_ACCESS_POINT_KEY = ""
    assert configured() is None
    settings.SAMLA_ACCESS_POINT_KEY = "k"
    settings.SAMLA_ACCESS_POINT_TIMEOUT = 3.5

    point = configured()

    assert isinstance(point, HttpAccessPoint)
    assert (point.url, point.key, point.timeout) == ("http://127.0.0.1:9/v1/documents", "k", 3.5)


def test_a_norwegian_organisation_is_a_peppol_participant_by_0192():
    assert peppol_id("964950768") == "0192:964950768"
