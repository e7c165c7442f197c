"""Fixtures for the CMS tests: two networks with a page, a coordinator and a member
municipality each, a consultancy with a member, an operator, a gathering of network A."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from billing.models import Consultancy
from cms.models import ConsultancyPage, HomePage, NetworkPage
from cms.services import ensure_home_page
from networks.gatherings.models import Gathering
from networks.models import LearningNetwork, Organiser
from samla.accounts.models import (
    ConsultancyMembership,
    CoordinatorRole,
    PlatformOperator,
    User,
)
from tenants.models import Municipality
from tests.conftest import PASSWORD, PUBLIC_HOST, client_for


def make_user(username: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, first_name=username)


def public_client(user: User | None = None):
    return client_for(PUBLIC_HOST, user)


@pytest.fixture
def home() -> HomePage:
    return ensure_home_page()


@pytest.fixture
def network_a(nordre_land: Municipality) -> LearningNetwork:
    """KS's network; Nordre Land is a member."""
    network = LearningNetwork.objects.create(
        name="KS Trøndelag samhandling", slug="nettverk-a", organiser=Organiser.KS
    )
    network.municipalities.add(nordre_land)
    return network


@pytest.fixture
def network_b(nesseby: Municipality) -> LearningNetwork:
    """Statsforvalteren's network; Nesseby is a member."""
    network = LearningNetwork.objects.create(
        name="Finnmark 0–24", slug="nettverk-b", organiser=Organiser.COUNTY_GOVERNOR
    )
    network.municipalities.add(nesseby)
    return network


@pytest.fixture
def page_a(home: HomePage, network_a: LearningNetwork) -> NetworkPage:
    return home.add_child(instance=NetworkPage(title="KS Trøndelag", network=network_a))


@pytest.fixture
def page_b(home: HomePage, network_b: LearningNetwork) -> NetworkPage:
    return home.add_child(instance=NetworkPage(title="Finnmark", network=network_b))


@pytest.fixture
def coordinator_a(network_a: LearningNetwork) -> User:
    user = make_user("koordinator.a")
    CoordinatorRole.objects.create(user=user, network=network_a)
    return user


@pytest.fixture
def coordinator_b(network_b: LearningNetwork) -> User:
    user = make_user("koordinator.b")
    CoordinatorRole.objects.create(user=user, network=network_b)
    return user


@pytest.fixture
def operator() -> User:
    user = make_user("drift")
    PlatformOperator.objects.create(user=user)
    return user


@pytest.fixture
def consultancy() -> Consultancy:
    return Consultancy.objects.create(
        name="Samarbeid Sør", slug="samarbeid-sor", org_number="999888777"
    )


@pytest.fixture
def consultancy_page(home: HomePage, consultancy: Consultancy) -> ConsultancyPage:
    return home.add_child(instance=ConsultancyPage(title="Samarbeid Sør", consultancy=consultancy))


@pytest.fixture
def consultant(consultancy: Consultancy) -> User:
    user = make_user("konsulent")
    ConsultancyMembership.objects.create(user=user, consultancy=consultancy)
    return user


def oslo(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


STIKLESTAD = datetime.date(2019, 4, 24)


@pytest.fixture
def gathering_a(network_a: LearningNetwork) -> Gathering:
    """Two days at Stiklestad, 24–25 April 2019."""
    return Gathering.objects.create(
        network=network_a,
        title="Nettverkssamling Stiklestad",
        starts_at=oslo(STIKLESTAD, 10),
        ends_at=oslo(STIKLESTAD + datetime.timedelta(days=1), 14),
        place="Stiklestad",
        evaluation_code="STIK0424",
    )


@pytest.fixture
def gathering_b(network_b: LearningNetwork) -> Gathering:
    return Gathering.objects.create(
        network=network_b,
        title="Samling Alta",
        starts_at=oslo(STIKLESTAD, 9),
        ends_at=oslo(STIKLESTAD, 15),
        evaluation_code="ALTA0424",
    )


# Files as their content makes them, whatever they are named.


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Samtykkeskjema")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def exe_bytes() -> bytes:
    # A Windows executable starts with "MZ" and a PE header further on.
    return b"MZ" + b"\x90\x00" * 30 + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 200


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
