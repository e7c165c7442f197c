"""Billing's Celery tasks, one module per concern (sending EHF, Stripe reconciliation,
invoices falling due, …); each module in this package is imported here so that Celery's
autodiscovery, which imports `billing.tasks`, registers them all."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
