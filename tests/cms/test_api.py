"""Wagtail's API v2 on the public host: only what an anonymous reader may see."""

from __future__ import annotations

import pytest

from cms.models import ContentPage, NewsIndexPage, NewsPage, SamlaDocument, SamlaImage
from tests.cms.conftest import pdf_bytes, png_bytes, public_client, upload
from tests.conftest import client_for, host_of, make_member

API = "/api/cms/v2/"


@pytest.fixture
def tree(home, page_a):
    news = home.add_child(instance=NewsIndexPage(title="Nyheter"))
    news.add_child(instance=NewsPage(title="Åpen nyhet", body="<p>Til alle.</p>"))
    closed = page_a.add_child(instance=ContentPage(title="Interne notater", members_only=True))
    below = closed.add_child(instance=ContentPage(title="Underside"))
    draft = page_a.add_child(instance=ContentPage(title="Utkast", live=False))
    return {"closed": closed, "below": below, "draft": draft}


def listed_titles(client) -> set[str]:
    response = client.get(API + "pages/", {"limit": 20})
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def test_pages_lists_what_is_public(tree):
    titles = listed_titles(public_client())
    assert {"Samla", "KS Trøndelag", "Nyheter", "Åpen nyhet"} <= titles
    assert not titles & {"Interne notater", "Underside", "Utkast"}


def test_a_member_signed_in_still_gets_what_an_anonymous_reader_gets(tree, nordre_land):
    member = make_member(nordre_land, "medlem.a")
    titles = listed_titles(public_client(member))
    assert not titles & {"Interne notater", "Underside", "Utkast"}


@pytest.mark.parametrize("which", ["closed", "below", "draft"])
def test_hidden_pages_are_not_found_by_id(tree, which):
    response = public_client().get(f"{API}pages/{tree[which].pk}/")
    assert response.status_code == 404


def test_hidden_pages_are_not_found_by_type_or_search(tree):
    client = public_client()
    by_type = client.get(API + "pages/", {"type": "cms.ContentPage"})
    assert by_type.status_code == 200
    assert by_type.json()["items"] == []
    found = client.get(API + "pages/", {"search": "notater"})
    assert found.status_code == 200
    assert found.json()["items"] == []


def test_a_public_page_by_id_and_bad_input(tree, home):
    client = public_client()
    response = client.get(f"{API}pages/{home.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == "Samla"
    assert client.get(API + "pages/", {"type": "cms.Nothing"}).status_code == 400
    assert client.get(f"{API}pages/999999/").status_code == 404


def test_images_and_documents_answer(tree):
    client = public_client()
    assert client.get(API + "images/").status_code == 200
    assert client.get(API + "documents/").status_code == 200


def test_read_only(tree):
    assert public_client().post(API + "pages/", {"title": "x"}).status_code == 405


def test_municipality_host_answers_404(tree, nordre_land, leader_a):
    client = client_for(host_of(nordre_land), leader_a)
    assert client.get(API + "pages/").status_code == 404


def test_not_in_the_openapi_schema(leader_a):
    from knox.models import AuthToken

    from tests.conftest import PUBLIC_HOST, api_client_for

    _instance, token = AuthToken.objects.create(leader_a)
    schema = api_client_for(PUBLIC_HOST, token).get("/api/schema/", {"format": "json"}).json()
    assert not [path for path in schema["paths"] if path.startswith("/api/cms/")]


@pytest.mark.parametrize("members_only", [True, False])
def test_documents_used_only_on_members_only_pages_are_not_listed(
    page_a, gathering_a, members_only
):
    from tests.cms.test_media import _material_on

    document = _material_on(page_a, gathering_a, members_only=members_only)
    free = SamlaDocument(title="Fritt skjema", file=upload("skjema.pdf", pdf_bytes()))
    free.save()
    client = public_client()
    listed = {item["id"] for item in client.get(API + "documents/").json()["items"]}
    assert free.pk in listed
    assert (document.pk in listed) is not members_only
    detail = client.get(f"{API}documents/{document.pk}/")
    assert detail.status_code == (404 if members_only else 200)


BAD_PARAMETERS = [
    {"search": "a\x00b"},
    {"search": "'"},
    {"type": "a\x00b"},
    {"slug": "a\x00b"},
    {"title": "a\x00b"},
    {"limit": "x"},
    {"offset": "-1"},
    {"offset": str(10**20)},
    {"order": "nothing"},
    {"order": "random", "offset": "1"},
    {"fields": "nothing"},
    {"fields": "title(id)"},
    {"child_of": "x"},
    {"child_of": str(10**20)},
    {"descendant_of": "987654"},
    {"id": str(10**20)},
    {"html_path": "/a\x00b/"},
    {"search": "x", "search_operator": "xor"},
]


def assert_norwegian_error(response, status: int | None = None) -> str:
    """The error is DRF's JSON shape with one Norwegian sentence; that sentence."""
    if status is not None:
        assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["detail"], body
    detail = body["detail"]
    assert detail and not any(
        word in detail for word in ("must", "cannot", "unknown", "exist", "matches", "not found")
    ), detail
    return str(detail)


@pytest.mark.parametrize("params", BAD_PARAMETERS)
def test_bad_parameters_are_not_server_errors(tree, params):
    response = public_client().get(API + "pages/", params)
    assert response.status_code in (200, 400, 404), (params, response.status_code)
    if response.status_code != 200:
        assert_norwegian_error(response)
    for endpoint in ("images", "documents"):
        if "search" in params or "title" in params:
            response = public_client().get(API + endpoint + "/", params)
            assert response.status_code in (200, 400), (endpoint, params)
            if response.status_code != 200:
                assert_norwegian_error(response)


@pytest.mark.parametrize(
    ("path", "params", "status", "detail"),
    [
        ("pages/999999/", {}, 404, "Fant ikke det du ba om."),
        ("pages/find/", {"html_path": "/finnes-ikke/"}, 404, "Fant ikke det du ba om."),
        ("images/999999/", {}, 404, "Fant ikke det du ba om."),
        ("documents/999999/", {}, 404, "Fant ikke det du ba om."),
        ("pages/", {"type": "bad"}, 400, "Ukjent sidetype i «type»."),
        ("pages/", {"limit": "-1"}, 400, "«limit» må være et positivt heltall."),
        ("pages/", {"limit": "1000"}, 400, "«limit» kan ikke være høyere enn 20."),
        ("pages/", {"offset": "x"}, 400, "«offset» må være et positivt heltall."),
        ("pages/", {"fields": "nope"}, 400, "Ukjente felt i «fields»: nope."),
        ("pages/", {"order": "nope"}, 400, "Kan ikke sortere etter «nope» (ukjent felt)."),
        ("documents/", {"order": "nope"}, 400, "Kan ikke sortere etter «nope» (ukjent felt)."),
        ("pages/", {"child_of": "987654"}, 400, "Siden i «child_of» finnes ikke."),
        ("pages/", {"descendant_of": "987654"}, 400, "Siden i «descendant_of» finnes ikke."),
        ("pages/", {"nope": "1"}, 400, "Ukjente parametere i spørringen: nope."),
        ("pages/", {"id": "abc"}, 400, "«abc» er ikke en gyldig verdi for «id»."),
        (
            "pages/",
            {"search": "x", "search_operator": "xor"},
            400,
            "«search_operator» må være «and» eller «or».",
        ),
        ("pages/", {"search": "a\x00b"}, 400, "Ugyldig tegn (NUL) i spørringen."),
        ("pages/", {"offset": str(10**20)}, 400, "Tallet i «offset» er for stort."),
    ],
)
def test_errors_are_json_with_a_norwegian_detail(tree, path, params, status, detail):
    # Given an anonymous reader of the API, asking for HTML as a browser does
    # When they send a bad id or parameter
    response = public_client().get(API + path, params, HTTP_ACCEPT="text/html")

    # Then the answer is DRF's error shape, in Norwegian, never Wagtail's English
    assert assert_norwegian_error(response, status) == detail


def test_a_hidden_page_and_a_missing_one_answer_alike(tree):
    client = public_client()
    hidden = client.get(f"{API}pages/{tree['closed'].pk}/")
    missing = client.get(f"{API}pages/987654/")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


def test_unknown_wagtail_message_falls_back_to_the_plain_sentence():
    from cms.api import norwegian_message

    assert norwegian_message("something new in Wagtail 9") == "Forespørselen er ugyldig."
    translated = norwegian_message("ancestor page doesn't exist")
    assert translated == "Siden i «descendant_of» finnes ikke."


def test_methods_other_than_get_answer_405_in_json(tree):
    response = public_client().post(API + "pages/", {"title": "x"})
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert list(response.json()) == ["detail"]


# Images -----------------------------------------------------------------------------------


def library_image(title: str = "Stiklestad") -> SamlaImage:
    image = SamlaImage(
        title=title, file=upload("stiklestad.png", png_bytes()), description="Plenum i salen"
    )
    image.save()
    return image


def used_on(image: SamlaImage, page) -> None:
    """A reference from the page to the image, as Wagtail's reference index records one
    (no page type holds an image today: the rule is tested for the day one does)."""
    import uuid

    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex

    ReferenceIndex.objects.create(
        content_type=ContentType.objects.get_for_model(page.specific_class),
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        to_content_type=ContentType.objects.get_for_model(SamlaImage),
        to_object_id=str(image.pk),
        model_path="image",
        content_path="image",
        content_path_hash=uuid.uuid4(),
    )


def test_an_anonymous_reader_sees_library_images_without_uploader_or_collection(tree, operator):
    # Given an image in the library, uploaded by an operator
    image = library_image()
    image.uploaded_by_user = operator
    image.save()

    # When an anonymous reader lists the images and opens it with every field
    client = public_client()
    listed = client.get(API + "images/").json()["items"]
    detail = client.get(f"{API}images/{image.pk}/", {"fields": "*"})

    # Then they see its title, size and file, never who uploaded it or its collection
    assert [item["title"] for item in listed] == ["Stiklestad"]
    assert detail.status_code == 200
    body = detail.json()
    assert {"title", "width", "height"} <= set(body)
    assert not {"uploaded_by_user", "collection", "file"} & set(body)
    assert not {"uploaded_by_user", "collection"} & set(body["meta"])
    for field in ("uploaded_by_user", "collection"):
        refused = client.get(API + "images/", {"fields": field})
        assert refused.status_code == 400
        assert refused.json()["detail"] == f"Ukjente felt i «fields»: {field}."


def test_an_image_used_only_on_a_members_only_page_is_not_listed(tree, home):
    # Given an image used only on a members-only page, one on an open page, one unused
    closed = library_image("Intern")
    used_on(closed, tree["closed"])
    shared = library_image("Delt")
    used_on(shared, tree["closed"])
    used_on(shared, home)
    library_image("Ubrukt")

    # When an anonymous reader lists the images and asks for the closed one by id
    client = public_client()
    titles = {item["title"] for item in client.get(API + "images/").json()["items"]}
    detail = client.get(f"{API}images/{closed.pk}/")

    # Then the closed one is not there, as if it did not exist
    assert titles == {"Delt", "Ubrukt"}
    assert_norwegian_error(detail, 404)
