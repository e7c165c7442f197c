"""Tests: the same stack as production, with fast password hashing."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SAMLA_TEMPLATE_SCHEMA = "samla_template"
# Uploads (the CMS's images and documents) go to a scratch folder, not the demo's.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "samla-test-media"
# Mail stays in memory (a worker process too) unless EMAIL_BACKEND names another.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
