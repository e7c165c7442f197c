"""The database connection as django-tenants extends it, typed for the code that uses it.

django-tenants' backend adds `schema_name`, `tenant`, `set_tenant` and
`set_schema_to_public` to Django's connection; Django's stubs do not know them.
"""

from __future__ import annotations

from typing import Any

from django.db import connection as _connection

# The same proxy object as `django.db.connection` (the current thread's connection).
connection: Any = _connection
