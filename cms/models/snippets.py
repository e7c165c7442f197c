"""The catalogue of collaboration methods (samhandlingsmetoder), a Wagtail snippet.

The routines issue links a routine to the methods it uses by `slug`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from cms.richtext import SafeRichTextField


@register_snippet
class CollaborationMethod(index.Indexed, models.Model):
    """A way units work together: Ansvarsgruppe, Individuell plan, BTI, Stafettlogg, …"""

    name = models.CharField(gettext_lazy("navn"), max_length=200)
    slug = models.SlugField(gettext_lazy("kortnavn"), max_length=63, unique=True)
    summary = models.TextField(gettext_lazy("kort om metoden"), blank=True)
    when_to_use = SafeRichTextField(gettext_lazy("når den brukes"), blank=True)
    who_takes_part = SafeRichTextField(gettext_lazy("hvem som deltar"), blank=True)
    link = models.URLField(gettext_lazy("les mer (lenke)"), max_length=500, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("when_to_use"),
        FieldPanel("who_takes_part"),
        FieldPanel("link"),
    ]
    search_fields = [
        index.SearchField("name", boost=5),
        index.AutocompleteField("name"),
        index.SearchField("summary"),
        index.SearchField("when_to_use"),
        index.FilterField("slug"),
    ]

    class Meta:
        verbose_name = gettext_lazy("samhandlingsmetode")
        verbose_name_plural = gettext_lazy("samhandlingsmetoder")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
