"""Consultancies; packages, orders and invoices follow in the billing issue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Consultancy(models.Model):
    """A company that sells programme packages to municipalities."""

    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kortnavn"), max_length=63, unique=True)
    org_number = models.CharField(_("organisasjonsnummer"), max_length=9, unique=True)

    class Meta:
        verbose_name = _("konsulentselskap")
        verbose_name_plural = _("konsulentselskaper")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
