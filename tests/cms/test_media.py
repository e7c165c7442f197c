"""Images need alt text; documents are checked by content and size, served as what they are."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse

from cms.models import SamlaDocument, SamlaImage
from tests.cms.conftest import (
    docx_bytes,
    exe_bytes,
    pdf_bytes,
    png_bytes,
    public_client,
    upload,
)

ALT_MESSAGE = "Skriv en alternativ tekst"


def served_at(document: SamlaDocument) -> str:
    # Documents are served on the public host (its URL map holds Wagtail's views).
    return reverse(
        "wagtaildocs_serve", args=[document.pk, document.filename], urlconf="samla.urls_public"
    )


def test_image_without_alt_text_is_refused_in_norwegian():
    image = SamlaImage(title="Stiklestad", file=upload("stiklestad.png", png_bytes()))
    with pytest.raises(ValidationError) as error:
        image.full_clean()
    assert ALT_MESSAGE in str(error.value.message_dict["description"])
    assert SamlaImage.objects.count() == 0


def test_image_with_only_spaces_as_alt_text_is_refused_even_by_the_database():
    image = SamlaImage(title="Stiklestad", file=upload("s.png", png_bytes()), description="   ")
    with pytest.raises(ValidationError):
        image.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        image.save()


def test_image_with_alt_text_is_saved():
    image = SamlaImage(
        title="Stiklestad",
        file=upload("stiklestad.png", png_bytes()),
        description="Deltakere i plenum på Stiklestad",
    )
    image.full_clean()
    image.save()
    assert image.default_alt_text == "Deltakere i plenum på Stiklestad"


def test_admin_upload_of_an_image_without_alt_text_saves_nothing(operator):
    response = public_client(operator).post(
        "/cms/images/add/",
        {"title": "Stiklestad", "file": upload("stiklestad.png", png_bytes()), "collection": 1},
    )
    assert response.status_code == 200
    assert ALT_MESSAGE in response.content.decode()
    assert SamlaImage.objects.count() == 0


def test_pdf_is_accepted_and_served_as_pdf():
    document = SamlaDocument(title="Program", file=upload("program.pdf", pdf_bytes()))
    document.full_clean()
    document.save()
    assert document.detected_type == "pdf"
    response = public_client().get(served_at(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_docx_is_served_with_the_word_content_type():
    document = SamlaDocument(title="Samtykke", file=upload("samtykke.docx", docx_bytes()))
    document.save()
    response = public_client().get(served_at(document))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response["Content-Disposition"]


def test_executable_renamed_pdf_is_refused():
    document = SamlaDocument(title="Program", file=upload("program.pdf", exe_bytes()))
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "Filtypen er ikke tillatt" in str(error.value.message_dict["file"])
    with pytest.raises(ValidationError):
        document.save()
    assert SamlaDocument.objects.count() == 0


def test_word_file_named_pdf_is_refused():
    document = SamlaDocument(title="Program", file=upload("program.pdf", docx_bytes()))
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "stemmer ikke med innholdet" in str(error.value.message_dict["file"])


def test_name_outside_the_accepted_types_is_refused():
    document = SamlaDocument(title="Program", file=upload("program.exe", exe_bytes()))
    with pytest.raises(ValidationError):
        document.full_clean()
    assert SamlaDocument.objects.count() == 0


@override_settings(SAMLA_DOCUMENT_MAX_BYTES=100)
def test_document_over_the_limit_is_refused():
    document = SamlaDocument(title="Program", file=upload("program.pdf", pdf_bytes() * 3))
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "Filen er for stor" in str(error.value.message_dict["file"])


def test_admin_upload_of_a_renamed_executable_saves_nothing(operator):
    response = public_client(operator).post(
        "/cms/documents/add/",
        {"title": "Program", "file": upload("program.pdf", exe_bytes()), "collection": 1},
    )
    assert response.status_code == 200
    assert "Filtypen er ikke tillatt" in response.content.decode()
    assert SamlaDocument.objects.count() == 0


# Documents used on members-only pages -----------------------------------------------------


def _material_on(page_a, gathering_a, members_only: bool) -> SamlaDocument:
    from cms.models import GatheringProgrammePage
    from tests.cms.conftest import STIKLESTAD
    from tests.cms.pages import session

    document = SamlaDocument(title="Presentasjon", file=upload("presentasjon.pdf", pdf_bytes()))
    document.save()
    page_a.add_child(
        instance=GatheringProgrammePage(
            title="Program",
            gathering=gathering_a,
            members_only=members_only,
            programme=[session(STIKLESTAD, "10:00", "11:00", "Åpning", materials=[document])],
        )
    )
    return document


def test_material_of_a_members_only_page_is_for_members_only(page_a, gathering_a, nesseby):
    from tests.conftest import make_member

    document = _material_on(page_a, gathering_a, members_only=True)
    anonymous = public_client().get(served_at(document))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    outsider = make_member(nesseby, "leser.nesseby")
    assert public_client(outsider).get(served_at(document)).status_code == 404
    member = make_member(page_a.network.municipalities.get(), "leser.nordre-land")
    response = public_client(member).get(served_at(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_material_of_an_open_page_is_for_everyone(page_a, gathering_a):
    document = _material_on(page_a, gathering_a, members_only=False)
    assert public_client().get(served_at(document)).status_code == 200


def test_material_under_a_members_only_network_page_is_for_its_members(
    page_a, gathering_a, nesseby
):
    # Given a programme (open itself) under a network page that is members-only
    from tests.conftest import make_member

    page_a.members_only = True
    page_a.save_revision().publish()
    document = _material_on(page_a, gathering_a, members_only=False)

    # When an anonymous reader, another municipality's user and a member fetch its material
    anonymous = public_client().get(served_at(document))
    outsider = make_member(nesseby, "leser.nesseby")
    member = make_member(page_a.network.municipalities.get(), "leser.nordre-land")

    # Then only the member gets the file
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert public_client(outsider).get(served_at(document)).status_code == 404
    assert public_client(member).get(served_at(document)).status_code == 200


def test_document_linked_from_a_members_only_pages_rich_text_is_for_members_only(page_a, nesseby):
    # Given a document linked only from the rich text of a members-only content page
    from cms.models import ContentPage
    from tests.conftest import make_member

    document = SamlaDocument(title="Referat", file=upload("referat.pdf", pdf_bytes()))
    document.save()
    page_a.add_child(
        instance=ContentPage(
            title="Interne referater",
            members_only=True,
            intro=f'<p>Se <a linktype="document" id="{document.pk}">referatet</a>.</p>',
        )
    )

    # When an anonymous reader and another municipality's user fetch it
    anonymous = public_client().get(served_at(document))
    outsider = make_member(nesseby, "leser.nesseby")

    # Then neither gets the file
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert public_client(outsider).get(served_at(document)).status_code == 404
