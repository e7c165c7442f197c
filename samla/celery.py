"""The Celery app. Tasks carry the schema they were sent from (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.dev")

app = CeleryApp("samla")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Task metrics and the record of failed tasks hang on Celery's signals, in every process
# that runs tasks (a worker's, or the web's when tasks run eagerly).
from samla import metrics, task_failures  # noqa: E402, F401
