"""URL map of the public host: landing, login, tokens, networks, health, API schema, CMS."""

from django.urls import include, path

from billing.urls import public_patterns as billing_patterns
from cms.urls import public_patterns as cms_patterns
from networks.gatherings.urls import public_patterns as gathering_patterns
from networks.indicators.urls import public_patterns as indicator_patterns
from networks.library.urls import public_patterns as library_patterns
from networks.plantemplates.urls import public_patterns as plan_template_patterns
from networks.urls import public_patterns as network_patterns
from samla import views
from samla.accounts import api as accounts_api
from samla.urls_common import common_patterns

urlpatterns = [
    path("", views.landing, name="home"),
    path("api/auth/token/", accounts_api.ObtainTokenView.as_view(), name="api-token"),
    *network_patterns,
    *indicator_patterns,
    *gathering_patterns,
    *plan_template_patterns,
    *library_patterns,
    *billing_patterns,
    *common_patterns,
    # Wagtail: its admin at /cms/, documents, pages under /innhold/ (public host only).
    *cms_patterns,
    path("i18n/", include("django.conf.urls.i18n")),
]
