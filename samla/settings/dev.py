"""Development: the demo on http://samla.localhost:8000 and http://<slug>.samla.localhost:8000.

One login spans those hosts (the session cookie's domain is `.samla.localhost`). Each
municipality also answers at http://<slug>.localhost:8000 and the public host at
http://localhost:8000, with a login per host, for scripts and the API.
"""

import os

from .base import *  # noqa: F403
from .base import SESSION_COOKIE_DOMAIN, allowed_hosts, env_bool, env_list, public_hosts

DEBUG = env_bool("DJANGO_DEBUG", True)
SAMLA_PORT = "8000"
SAMLA_BASE_DOMAIN = os.environ.get("SAMLA_BASE_DOMAIN", "samla.localhost")
SAMLA_ALIAS_DOMAINS = env_list("SAMLA_ALIAS_DOMAINS", "localhost")
SAMLA_PUBLIC_HOSTS = public_hosts(SAMLA_BASE_DOMAIN, SAMLA_ALIAS_DOMAINS)
ALLOWED_HOSTS = allowed_hosts(SAMLA_BASE_DOMAIN, SAMLA_ALIAS_DOMAINS)
SAMLA_SHARED_COOKIE_DOMAIN = SESSION_COOKIE_DOMAIN or f".{SAMLA_BASE_DOMAIN}"
CSRF_TRUSTED_ORIGINS = [
    f"http://{host}:{SAMLA_PORT}"
    for domain in [SAMLA_BASE_DOMAIN, *SAMLA_ALIAS_DOMAINS]
    for host in (domain, f"*.{domain}")
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Links in Wagtail's admin (and its e-mails) to the demo's public host.
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"http://{SAMLA_BASE_DOMAIN}:{SAMLA_PORT}"
)
# Mail (review notices) is printed to the console unless EMAIL_BACKEND names another.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
