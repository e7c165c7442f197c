"""Settings every environment shares, read from the environment where they differ."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from samla.database import database_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-not-for-production")
DEBUG = env_bool("DJANGO_DEBUG")


def public_hosts(base_domain: str, aliases: list[str]) -> list[str]:
    """SAMLA_PUBLIC_HOSTS from the environment, else the base domain, its aliases, 127.0.0.1."""
    return env_list("SAMLA_PUBLIC_HOSTS", ",".join([base_domain, *aliases, "127.0.0.1"]))


def allowed_hosts(base_domain: str, aliases: list[str]) -> list[str]:
    """DJANGO_ALLOWED_HOSTS from the environment, else each domain and its sub-domains."""
    domains = [f"{d},.{d}" for d in [base_domain, *aliases]]
    return env_list("DJANGO_ALLOWED_HOSTS", ",".join([*domains, "127.0.0.1"]))


# Municipality hosts are `<slug>.<SAMLA_BASE_DOMAIN>` (the primary host); the public host is
# the base domain. Each alias base domain adds a second host per municipality
# (`<slug>.<alias>`) and a public host (`<alias>`): the demo keeps `<slug>.localhost`.
SAMLA_BASE_DOMAIN = os.environ.get("SAMLA_BASE_DOMAIN", "localhost")
SAMLA_ALIAS_DOMAINS = env_list("SAMLA_ALIAS_DOMAINS", "")
SAMLA_PUBLIC_HOSTS = public_hosts(SAMLA_BASE_DOMAIN, SAMLA_ALIAS_DOMAINS)
SAMLA_SCHEME = os.environ.get("SAMLA_SCHEME", "http")
SAMLA_PORT = os.environ.get("SAMLA_PORT", "")
ALLOWED_HOSTS = allowed_hosts(SAMLA_BASE_DOMAIN, SAMLA_ALIAS_DOMAINS)

# Applications --------------------------------------------------------------------------

SHARED_APPS = [
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "samla",
    "samla.accounts",
    "tenants",
    "networks",
    "networks.indicators",
    "networks.gatherings",
    "networks.plantemplates",
    "networks.library",
    "cms",
    "billing",
    # Wagtail and what it needs: public schema only (a test asserts none is in TENANT_APPS).
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
]
# What lives in each municipality's own schema.
TENANT_APPS = [
    "tenants.plans",
    "tenants.routines",
    "tenants.template_adoptions",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Municipality"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# One `SET search_path` per connection and schema, not one before every query: the
# middleware's set_tenant/set_schema_to_public on each request, a rollback and a
# savepoint rollback all make django-tenants issue it again (docs/decisions/).
TENANT_LIMIT_SET_CALLS = True
# The schema every new municipality is cloned from; kept migrated by `samla migrate`.
SAMLA_TEMPLATE_SCHEMA = os.environ.get("SAMLA_TEMPLATE_SCHEMA", "samla_template")
# Days a deleted municipality's schema and rows are kept before the purge drops them
# (tenants/lifecycle.py); its hosts answer 404 from the deletion on.
SAMLA_DELETION_RETENTION_DAYS = int(os.environ.get("SAMLA_DELETION_RETENTION_DAYS", "30"))

MIDDLEWARE = [
    # Outermost: the request id and the logging context (samla/logging.py) cover all below.
    "samla.logging.RequestContextMiddleware",
    # Right inside it: a database that cannot be reached answers 503 with Retry-After, from
    # wherever below the error came, the tenant router's host lookup first (samla/unavailable.py).
    "samla.unavailable.DatabaseUnavailableMiddleware",
    # Outermost, so that it also sees what the tenant router answers for an unknown host.
    "samla.api.errors.ApiErrorsAsJson",
    "tenants.middleware.MunicipalityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the session and CSRF middleware: it sets the Domain of the cookies they wrote.
    "samla.accounts.cookies.CookieDomainMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "samla.accounts.middleware.TenantAccessMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samla.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "samla.urls_public"
WSGI_APPLICATION = "samla.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samla.context_processors.samla",
            ],
        },
    },
]

# Database ------------------------------------------------------------------------------

DATABASES = {"default": database_config()}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts, sessions, login -------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# Wagtail sends readers of a restricted page to Samla's login, and its own login route
# (/innhold/_util/login/) shows Samla's form instead of Wagtail's unstyled one.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_FRONTEND_LOGIN_TEMPLATE = "registration/login.html"
LOGOUT_REDIRECT_URL = "home"

# One login for every host under the shared cookie domain: the session and CSRF cookies
# are given `Domain=.<it>` on the base domain and its sub-domains, and stay host-only on any
# other host (`localhost`, `<slug>.localhost`, 127.0.0.1), chosen per request by
# samla.accounts.cookies.CookieDomainMiddleware. A one-label domain (`localhost`) cannot
# hold a shared cookie, so it shares nothing.
SESSION_COOKIE_DOMAIN = os.environ.get("SESSION_COOKIE_DOMAIN") or None
CSRF_COOKIE_DOMAIN = SESSION_COOKIE_DOMAIN
SAMLA_SHARED_COOKIE_DOMAIN = SESSION_COOKIE_DOMAIN or f".{SAMLA_BASE_DOMAIN}"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 10)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Failed logins are counted in the database (public schema), by user name and address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "samla.accounts.views.locked_out"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# API -----------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "samla.accounts.integrations.IntegrationTokenAuthentication",
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every endpoint goes through the access layer unless it says otherwise.
    "DEFAULT_PERMISSION_CLASSES": ["samla.accounts.permissions.TenantAccess"],
    "DEFAULT_SCHEMA_CLASS": "samla.api.schema.SamlaAutoSchema",
    "EXCEPTION_HANDLER": "samla.api.errors.exception_handler",
    # Path parameters in the schema keep the names the URL maps give them (`{pk}`).
    "SCHEMA_COERCE_PATH_PK": False,
    "DEFAULT_PAGINATION_CLASS": "samla.api.pagination.LinkHeaderPagination",
    "DEFAULT_THROTTLE_CLASSES": ["samla.api.throttling.WriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "write": os.environ.get("API_THROTTLE_WRITE", "120/min"),
        "export": os.environ.get("API_THROTTLE_EXPORT", "30/min"),
    },
    # The API reads JSON only; anything else is 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", "12"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Samla API",
    "DESCRIPTION": "Plans, routines and progress of municipalities in learning networks.",
    "VERSION": "1",
    "SERVE_PERMISSIONS": ["samla.accounts.permissions.TenantAccess"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Wagtail's admin API (/cms/api/) is Wagtail's contract, not Samla's.
    "PREPROCESSING_HOOKS": ["cms.schema.exclude_wagtail_endpoints"],
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "tenants.plans.models.PlanStatus",
        "MilestoneStatusEnum": "tenants.plans.models.MilestoneStatus",
        "ActivityStatusEnum": "tenants.plans.models.ActivityStatus",
        "RiskStatusEnum": "tenants.plans.models.RiskStatus",
        "BudgetKindEnum": "tenants.plans.models.BudgetKind",
        "BodyKindEnum": "tenants.plans.models.BodyKind",
        "ReportKindEnum": "tenants.plans.models.ReportKind",
        "GroupTaskKindEnum": "networks.gatherings.kinds.TaskKind",
        "EvaluationQuestionKindEnum": "networks.gatherings.models.QuestionKind",
        "UnitKindEnum": "tenants.routines.models.UnitKind",
        "RoutineKindEnum": "tenants.routines.models.RoutineKind",
        "RoutineLevelEnum": "tenants.routines.models.RoutineLevel",
        "RoutineStatusEnum": "tenants.routines.models.RoutineStatus",
        "GoalLevelEnum": "tenants.plans.models.GoalLevel",
        "OrderStatusEnum": "billing.models.OrderStatus",
        "InvoiceStatusEnum": "billing.models.InvoiceStatus",
        "InvoiceKindEnum": "billing.models.InvoiceKind",
        "ItemKindEnum": "billing.kinds.ItemKind",
        "PackageStatusEnum": "billing.models.PackageStatus",
        "LicenceStatusEnum": "billing.models.LicenceStatus",
    },
}

# Celery --------------------------------------------------------------------------------

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# No broker: tasks run in the process that sends them, after commit like the real thing.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
# A task whose pool process dies mid-way (killed, out of memory) goes back on the queue
# instead of being acknowledged as failed; every task's effects are safe to run twice
# (tests/operations/test_worker_killed.py, docs/operations.md).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis gives a message that was taken but never acknowledged (the whole worker died, not
# only a pool process) to a worker again after `visibility_timeout` seconds. It must be
# longer than the longest countdown a task is sent with (billing's resend: 6 hours), or a
# waiting message would be delivered twice. A worker that shuts down puts its
# unacknowledged messages back at once; only a SIGKILLed worker or a lost machine waits.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(7 * 60 * 60))),
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One entry per job, never per municipality: a dispatcher walks the municipalities.
CELERY_BEAT_SCHEDULE = {
    "progress-roll-up-nightly": {
        "task": "networks.dispatch_progress_refresh",
        "schedule": crontab(hour=2, minute=15),
    },
    "routine-review-notices-daily": {
        "task": "routines.dispatch_review_notices",
        "schedule": crontab(hour=6, minute=30),
    },
    # Task failures older than SAMLA_TASK_FAILURE_DAYS removed (samla/task_failures.py).
    "task-failures-prune-daily": {
        "task": "samla.prune_task_failures",
        "schedule": crontab(hour=4, minute=50),
    },
    # Wagtail's groups from the role rows; repairs what changes with the date alone.
    "cms-roles-nightly": {
        "task": "cms.sync_roles",
        "schedule": crontab(hour=1, minute=45),
    },
    # Stripe's state read back where webhooks were missed (billing/tasks/stripe_sync.py).
    "stripe-reconcile-nightly": {
        "task": "billing.stripe_reconcile",
        "schedule": crontab(hour=3, minute=10),
    },
    # Issued invoices past their due date fall due (billing/tasks/invoicing.py), before
    # the licences are read from their invoices' state.
    "billing-invoices-overdue-daily": {
        "task": "billing.mark_overdue",
        "schedule": crontab(hour=3, minute=20),
    },
    # The 1st: as-delivered orders' deliveries of earlier months invoiced, once.
    "billing-invoice-deliveries-monthly": {
        "task": "billing.invoice_deliveries",
        "schedule": crontab(day_of_month=1, hour=4, minute=0),
    },
    # Licences paid or lapsed by their invoices' state (after the invoices fall due).
    "billing-licences-nightly": {
        "task": "billing.refresh_licences",
        "schedule": crontab(hour=3, minute=30),
    },
    # EHF invoices whose send failed or never happened, sent again (billing/tasks/sending.py).
    "billing-resend-unsent-daily": {
        "task": "billing.resend_unsent",
        "schedule": crontab(hour=7, minute=5),
    },
    # Deleted municipalities past their retention period purged (tenants/lifecycle.py).
    "municipalities-purge-daily": {
        "task": "tenants.purge_due_municipalities",
        "schedule": crontab(hour=4, minute=40),
    },
}

# E-mail (routines' review notices) -----------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"Samla <varsel@{SAMLA_BASE_DOMAIN}>")

# Cache ---------------------------------------------------------------------------------

_cache_url = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {
        "BACKEND": (
            "django.core.cache.backends.redis.RedisCache"
            if _cache_url
            else "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": _cache_url or "samla",
        # Keys carry the tenant schema, so one municipality never reads another's entry.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

# Language, time ------------------------------------------------------------------------

LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norsk bokmål")),
    ("nn", _("Norsk nynorsk")),
    ("se", _("Davvisámegiella")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "samla" / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# Static files --------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / ".samla" / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploaded files (the CMS's images and documents).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".samla" / "media"))
MEDIA_URL = "/media/"

# CMS (Wagtail, public schema only; admin at /cms/ on the public host) ----------------------

WAGTAIL_SITE_NAME = "Samla"
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"{SAMLA_SCHEME}://{SAMLA_BASE_DOMAIN}"
)
WAGTAIL_I18N_ENABLED = False
# ASCII addresses: "KS Trøndelag" → /innhold/ks-trondelag/.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILIMAGES_IMAGE_MODEL = "cms.SamlaImage"
WAGTAILDOCS_DOCUMENT_MODEL = "cms.SamlaDocument"
# Names are checked first, then the content itself (cms.uploads): the type must match.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "png", "jpg", "jpeg"]
SAMLA_DOCUMENT_MAX_BYTES = int(os.environ.get("SAMLA_DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
WAGTAILDOCS_MAX_UPLOAD_SIZE = SAMLA_DOCUMENT_MAX_BYTES
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Documents are always served through Wagtail's view (permission and view restrictions
# checked), never as a bare media URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # PostgreSQL's Norwegian stemming (`SELECT cfgname FROM pg_ts_config`).
        "SEARCH_CONFIG": "norwegian",
    }
}
# Wagtail 8's background work (search index, reference index) goes through django-tasks;
# the immediate backend runs it in the request, as Samla has no task worker for it.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Billing: Samla's platform fee, a percentage of each invoice's net amount (a consultancy
# may have its own, `Consultancy.platform_fee_percent`). A string, read as an exact Decimal.
SAMLA_PLATFORM_FEE_PERCENT = os.environ.get("SAMLA_PLATFORM_FEE_PERCENT", "5.00")

# Stripe (billing/stripe_gateway.py): no secret key, no Stripe (invoices go by EHF only, the
# pages say card payment is not set up). STRIPE_API_BASE points the SDK elsewhere (tests: a
# local fake); the webhook secret verifies /api/stripe/webhook/'s signatures.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")

# Samla itself as the seller of the yearly licences (billing.services.licences): the
# company's name, organisation number, bank account and KID prefix on those invoices.
SAMLA_PLATFORM_NAME = os.environ.get("SAMLA_PLATFORM_NAME", "Samla AS")
SAMLA_PLATFORM_ORG_NUMBER = os.environ.get("SAMLA_PLATFORM_ORG_NUMBER", "921643217")
SAMLA_PLATFORM_BANK_ACCOUNT = os.environ.get("SAMLA_PLATFORM_BANK_ACCOUNT", "86011117947")
SAMLA_PLATFORM_KID_PREFIX = os.environ.get("SAMLA_PLATFORM_KID_PREFIX", "99")
SAMLA_PLATFORM_EMAIL = os.environ.get("SAMLA_PLATFORM_EMAIL", f"faktura@{SAMLA_BASE_DOMAIN}")
SAMLA_PLATFORM_STREET = os.environ.get("SAMLA_PLATFORM_STREET", "Postboks 1")
SAMLA_PLATFORM_POSTCODE = os.environ.get("SAMLA_PLATFORM_POSTCODE", "0101")
SAMLA_PLATFORM_CITY = os.environ.get("SAMLA_PLATFORM_CITY", "Oslo")
# Days after a licence invoice falls due before the licence lapses to read-only.
SAMLA_LICENCE_GRACE_DAYS = int(os.environ.get("SAMLA_LICENCE_GRACE_DAYS", "30"))

# The Peppol access point EHF invoices are sent through (billing/access_point.py): its HTTP
# API's URL and key. Either empty: nothing is sent, the EHF file is offered for download.
SAMLA_ACCESS_POINT_URL = os.environ.get("SAMLA_ACCESS_POINT_URL", "")
SAMLA_ACCESS_POINT_KEY = os.environ.get("SAMLA_ACCESS_POINT_KEY", "")
SAMLA_ACCESS_POINT_TIMEOUT = float(os.environ.get("SAMLA_ACCESS_POINT_TIMEOUT", "20"))
# A failed send is tried again after this many seconds, doubled per try (at most 6 hours).
SAMLA_ACCESS_POINT_RETRY_SECONDS = int(os.environ.get("SAMLA_ACCESS_POINT_RETRY_SECONDS", "60"))

# Prometheus metrics (samla/metrics.py, docs/operations.md): served on a listener of their
# own, never on the public or a municipality's host, started by gunicorn's master
# (samla/gunicorn_conf.py) and by the Celery worker's main process when the port is set.
SAMLA_METRICS_ADDR = os.environ.get("SAMLA_METRICS_ADDR", "127.0.0.1")
SAMLA_METRICS_PORT = int(os.environ.get("SAMLA_METRICS_PORT", "0")) or None
SAMLA_WORKER_METRICS_PORT = int(os.environ.get("SAMLA_WORKER_METRICS_PORT", "0")) or None
# Failed tasks are recorded (samla.TaskFailure) and kept this many days.
SAMLA_TASK_FAILURE_DAYS = int(os.environ.get("SAMLA_TASK_FAILURE_DAYS", "30"))

# LOG_FORMAT=json (production): one JSON line per record with the request id, host,
# tenant schema and user id, and one access line per request (samla/logging.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "samla.logging.RequestContextFilter"}},
    "formatters": {"json": {"()": "samla.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "samla.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
        "axes": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        # Wagtail's search and reference-index tasks, one line per save otherwise.
        "django_tasks": {"level": "WARNING"},
        # The Stripe SDK logs two INFO lines per request (billing/stripe_gateway.py).
        "stripe": {"level": "WARNING"},
    },
}
