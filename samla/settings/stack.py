"""The production settings as `make stack` runs them on one machine (samla/stack.py).

Everything production reads is read the same way (samla/settings/production.py); only what
a local machine lacks is relaxed: there is no TLS in front, so no HTTPS redirect, no HSTS
and no Secure-only cookies unless SAMLA_SCHEME=https; and when DJANGO_SECRET_KEY is not
set, a generated key kept in `.samla/secret-key` (made once, shared by every process).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path


def stack_secret_key(path: Path) -> str:
    """The key in `path`, made first if missing; safe when several processes race to make it."""
    with contextlib.suppress(FileNotFoundError):
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as handle:
        handle.write(secrets.token_urlsafe(50))
        written = Path(handle.name)
    os.chmod(written, 0o600)
    # link() refuses an existing name: the first process's key wins, the others read it.
    with contextlib.suppress(FileExistsError):
        os.link(written, path)
    written.unlink()
    return path.read_text().strip()


if not os.environ.get("DJANGO_SECRET_KEY"):
    os.environ["DJANGO_SECRET_KEY"] = stack_secret_key(
        Path(__file__).resolve().parents[2] / ".samla" / "secret-key"
    )

from .production import *  # noqa: E402, F403
from .production import SAMLA_ALIAS_DOMAINS, SAMLA_BASE_DOMAIN, env_bool  # noqa: E402

SAMLA_SCHEME = os.environ.get("SAMLA_SCHEME", "http")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = SAMLA_SCHEME == "https"
CSRF_COOKIE_SECURE = SAMLA_SCHEME == "https"
CSRF_TRUSTED_ORIGINS = [
    origin
    for domain in [SAMLA_BASE_DOMAIN, *SAMLA_ALIAS_DOMAINS]
    for origin in (f"{SAMLA_SCHEME}://{domain}", f"{SAMLA_SCHEME}://*.{domain}")
]
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"{SAMLA_SCHEME}://{SAMLA_BASE_DOMAIN}"
)
