"""The Samla Django project: settings, URL maps, Celery app, accounts and roles."""

from .celery import app as celery_app

__all__ = ["celery_app"]
