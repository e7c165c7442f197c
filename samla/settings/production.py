"""Production: everything from the environment, secure by default.

Required: DJANGO_SECRET_KEY, DATABASE_URL, SAMLA_BASE_DOMAIN, SESSION_COOKIE_DOMAIN
(".<base domain>"), CELERY_BROKER_URL, CACHE_URL.
"""

import os

from .base import *  # noqa: F403
from .base import SAMLA_BASE_DOMAIN, env_bool

if os.environ.get("DJANGO_SECRET_KEY") is None:
    raise RuntimeError("DJANGO_SECRET_KEY must be set in production")
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
SAMLA_SCHEME = "https"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{SAMLA_BASE_DOMAIN}", f"https://*.{SAMLA_BASE_DOMAIN}"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Links in Wagtail's admin (and its e-mails) to the public host, over HTTPS.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{SAMLA_BASE_DOMAIN}")
