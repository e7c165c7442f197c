"""The CMS's routes, in the public host's URL map only (a municipality host has none)."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

public_patterns = [
    path("cms/", include(wagtailadmin_urls)),
    path("dokumenter/", include(wagtaildocs_urls)),
    # Wagtail's page serving catches every path under it, so it has a prefix of its own.
    path("innhold/", include(wagtail_urls)),
]
