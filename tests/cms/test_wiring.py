"""Wagtail lives in the public schema only; its admin answers on the public host only."""

from __future__ import annotations

from django.conf import settings
from django.db import connection as db

from cms.models import SamlaDocument, SamlaImage
from tests.cms.conftest import make_user, public_client
from tests.conftest import client_for, host_of, make_member

WAGTAIL_APPS = [
    "wagtail",
    "wagtail.admin",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.sites",
    "modelcluster",
    "taggit",
]


def test_wagtail_apps_are_shared_never_tenant():
    for app in WAGTAIL_APPS:
        assert app in settings.SHARED_APPS, app
        assert app not in settings.TENANT_APPS, app
    assert "cms" in settings.SHARED_APPS
    assert "cms" not in settings.TENANT_APPS


def _tables(schema: str, like: str) -> set[str]:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name LIKE %s",
            [schema, like],
        )
        return {row[0] for row in cursor.fetchall()}


def test_wagtail_tables_are_in_the_public_schema_only(nordre_land):
    assert "wagtailcore_page" in _tables("public", "wagtail%")
    assert "cms_networkpage" in _tables("public", "cms%")
    assert _tables(nordre_land.schema_name, "wagtail%") == set()
    assert _tables(nordre_land.schema_name, "cms%") == set()
    assert _tables(nordre_land.schema_name, "taggit%") == set()


def test_settings_for_norwegian_content():
    assert settings.WAGTAIL_SITE_NAME == "Samla"
    assert settings.WAGTAIL_I18N_ENABLED is False
    assert settings.LANGUAGE_CODE == "nb"
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] == "norwegian"
    assert settings.WAGTAILIMAGES_IMAGE_MODEL == "cms.SamlaImage"
    assert settings.WAGTAILDOCS_DOCUMENT_MODEL == "cms.SamlaDocument"
    assert settings.WAGTAILADMIN_BASE_URL
    with db.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = 'norwegian'")
        assert cursor.fetchone() is not None


def test_custom_media_models_are_wagtails():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    assert get_image_model() is SamlaImage
    assert get_document_model() is SamlaDocument


def test_admin_on_the_public_host_asks_anonymous_to_log_in():
    response = public_client().get("/cms/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_admin_is_not_found_on_a_municipality_host(nordre_land, leader_a):
    assert client_for(host_of(nordre_land)).get("/cms/").status_code in (302, 404)
    # Signed in as a member of that municipality: the path does not exist there.
    assert client_for(host_of(nordre_land), leader_a).get("/cms/").status_code == 404
    assert client_for(host_of(nordre_land), leader_a).get("/cms/pages/").status_code == 404
    assert client_for(host_of(nordre_land), leader_a).get("/innhold/").status_code == 404


def test_operator_reaches_the_admin(operator):
    response = public_client(operator).get("/cms/")
    assert response.status_code == 200


def test_municipal_user_cannot_reach_the_admin(nordre_land):
    user = make_member(nordre_land, "leser.nordre-land")
    response = public_client(user).get("/cms/")
    # Wagtail sends a signed-in user without admin access back to its login page.
    assert response.status_code == 302
    assert public_client(user).get("/cms/pages/").status_code == 302


def test_a_user_without_roles_cannot_reach_the_admin():
    assert public_client(make_user("ingen")).get("/cms/").status_code == 302


def test_search_stems_norwegian(home):
    from cms.models import NewsIndexPage, NewsPage

    news = home.add_child(instance=NewsIndexPage(title="Nyheter"))
    news.add_child(
        instance=NewsPage(title="Fra nettverket", body="<p>Samlingene i nettverkene.</p>")
    )
    # "samlingen" and "Samlingene" share the stem "samling" (not a prefix of each other).
    found = NewsPage.objects.live().search("samlingen")
    assert [page.title for page in found] == ["Fra nettverket"]
