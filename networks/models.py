"""Learning networks and the regional competence bases that group municipalities."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organiser(models.TextChoices):
    KS = "ks", _("KS")
    COUNTY_GOVERNOR = "county_governor", _("Statsforvalteren")
    BOTH = "both", _("KS og Statsforvalteren")


class LearningNetwork(models.Model):
    """A series of gatherings for a set of municipalities on one theme."""

    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kortnavn"), max_length=63, unique=True)
    organiser = models.CharField(_("arrangør"), max_length=20, choices=Organiser.choices)
    region = models.CharField(_("region"), max_length=100, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    municipalities = models.ManyToManyField(
        "tenants.Municipality", related_name="networks", blank=True
    )

    class Meta:
        verbose_name = _("læringsnettverk")
        verbose_name_plural = _("læringsnettverk")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CompetenceBase(models.Model):
    """A regional cluster of municipalities pooling expertise."""

    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kortnavn"), max_length=63, unique=True)
    municipalities = models.ManyToManyField(
        "tenants.Municipality", related_name="competence_bases", blank=True
    )

    class Meta:
        verbose_name = _("kompetansebase")
        verbose_name_plural = _("kompetansebaser")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
