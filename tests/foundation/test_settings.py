"""Production settings pass Django's deployment checks; dev and test stay usable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samla.settings.production",
        "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-value-0123456789",
        # Never connected to by `check`; set so no embedded server starts.
        "DATABASE_URL": "postgres://samla@127.0.0.1:1/samla",
        "SAMLA_BASE_DOMAIN": "samla.no",
        "SESSION_COOKIE_DOMAIN": ".samla.no",
    }
    result = subprocess.run(
        [sys.executable, "-m", "samla", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update(
        DJANGO_SETTINGS_MODULE="samla.settings.production",
        DATABASE_URL="postgres://samla@127.0.0.1:1/samla",
    )
    result = subprocess.run(
        [sys.executable, "-m", "samla", "check"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
