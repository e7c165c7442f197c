"""Page types and where each may stand in the tree.

HomePage
├── NetworkPage (one per LearningNetwork)
│   ├── GatheringProgrammePage (one per Gathering of that network)
│   ├── NewsIndexPage → NewsPage
│   └── ContentPage
├── ConsultancyPage (one per Consultancy) → ContentPage (programme descriptions)
├── ToolIndexPage → ToolPage (the BTI action guide, templates)
└── NewsIndexPage → NewsPage
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import ContentBodyBlock, SessionBlock, ToolBodyBlock
from cms.richtext import SafeRichTextField

if TYPE_CHECKING:
    from billing.models import Consultancy
    from networks.gatherings.models import Gathering
    from networks.models import LearningNetwork

MEMBERS_ONLY_HELP = gettext_lazy(
    "Bare brukere i nettverkets medlemskommuner, nettverkets koordinatorer og drift kan "
    "lese siden og sidene under den."
)


class SamlaPage(Page):
    """What every Samla page shares: the members-only check when served."""

    members_only: models.BooleanField[bool, bool] = models.BooleanField(
        gettext_lazy("bare for medlemmer"), default=False, help_text=MEMBERS_ONLY_HELP
    )

    settings_panels = [*Page.settings_panels, FieldPanel("members_only")]

    class Meta:
        abstract = True

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from cms.access import can_read

        if not can_read(self, request.user):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise Http404
        response: HttpResponse = super().serve(request, *args, **kwargs)
        return response

    def readable_children(self, request: HttpRequest) -> Any:
        """The live pages under this one that the reader may read (a members-only page's
        title is not shown to those it is not for)."""
        from cms.access import readable_pages

        return readable_pages(self.get_children().live(), request.user)

    def subpages_context(self, request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
        context["subpages"] = self.readable_children(request)
        return context


class HomePage(SamlaPage):
    intro = SafeRichTextField(gettext_lazy("innledning"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.NetworkPage",
        "cms.ConsultancyPage",
        "cms.ToolIndexPage",
        "cms.NewsIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = gettext_lazy("forside")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        return self.subpages_context(request, context)


class NetworkPage(SamlaPage):
    """A learning network's page; its coordinators edit it and everything under it."""

    network: models.OneToOneField[LearningNetwork, LearningNetwork] = models.OneToOneField(
        "networks.LearningNetwork",
        on_delete=models.PROTECT,
        related_name="cms_page",
        verbose_name=gettext_lazy("læringsnettverk"),
    )
    intro = SafeRichTextField(gettext_lazy("innledning"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("network"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.GatheringProgrammePage", "cms.NewsIndexPage", "cms.ContentPage"]

    class Meta:
        verbose_name = gettext_lazy("nettverksside")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.access import readable_pages

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["programmes"] = readable_pages(
            GatheringProgrammePage.objects.child_of(self).live().select_related("gathering"),
            request.user,
        )
        # The network's other pages: its news and background material.
        context["subpages"] = self.readable_children(request).not_type(GatheringProgrammePage)
        return context


def gathering_days(gathering: Gathering) -> tuple[datetime.date, datetime.date]:
    """The first and last date of the gathering, in Norwegian time."""
    return timezone.localdate(gathering.starts_at), timezone.localdate(gathering.ends_at)


def refuse_foreign_gathering(gathering: Gathering | None, parent: Page | None) -> None:
    """A programme page's gathering must belong to the network of the page it stands under."""
    if gathering is None or parent is None:
        return
    parent = parent.specific
    network: LearningNetwork | None = getattr(parent, "network", None)
    if network is None or gathering.network_id != network.pk:
        raise ValidationError(
            {
                "gathering": _(
                    "Samlingen «%(gathering)s» hører til et annet nettverk enn denne siden."
                )
                % {"gathering": gathering.title}
            }
        )


class GatheringProgrammeForm(WagtailAdminPageForm):
    """The admin form offers only the network's gatherings, and checks the one sent.

    The page does not exist yet when it is created, so the parent comes from the form.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from networks.gatherings.models import Gathering

        super().__init__(*args, **kwargs)
        parent = self._parent()
        network = getattr(parent.specific, "network", None) if parent is not None else None
        if "gathering" in self.fields:
            self.fields["gathering"].queryset = (
                Gathering.objects.filter(network=network)
                if network is not None
                else Gathering.objects.none()
            )

    def _parent(self) -> Page | None:
        if self.instance._state.adding:
            return getattr(self, "parent_page", None)
        parent: Page | None = self.instance.get_parent()
        return parent

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        parent = self._parent()
        try:
            refuse_foreign_gathering(cleaned.get("gathering"), parent)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


class GatheringProgrammePage(SamlaPage):
    """A gathering's programme: sessions over its days, its group tasks in place."""

    gathering: models.OneToOneField[Gathering, Gathering] = models.OneToOneField(
        "gatherings.Gathering",
        on_delete=models.PROTECT,
        related_name="programme_page",
        verbose_name=gettext_lazy("samling"),
    )
    intro = SafeRichTextField(gettext_lazy("innledning"), blank=True)
    programme = StreamField(
        [("session", SessionBlock())],
        blank=True,
        verbose_name=gettext_lazy("program"),
    )

    base_form_class = GatheringProgrammeForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("gathering"),
        FieldPanel("intro"),
        FieldPanel("programme"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("programme"),
    ]
    parent_page_types = ["cms.NetworkPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = gettext_lazy("program for samling")
        verbose_name_plural = gettext_lazy("program for samlinger")

    def clean(self) -> None:
        super().clean()
        gathering = self.gathering if self.gathering_id else None
        refuse_foreign_gathering(gathering, self.get_parent())
        if gathering is None:
            return
        # Blocks are checked here too, so that code writing a page meets the admin's rules.
        try:
            self.programme.stream_block.clean(self.programme)
        except ValidationError as error:
            raise ValidationError({"programme": error}) from error
        first, last = gathering_days(gathering)
        errors: dict[int, ValidationError] = {}
        for position, child in enumerate(self.programme):
            day = child.value.get("day")
            if day is not None and not first <= day <= last:
                errors[position] = blocks.StructBlockValidationError(
                    block_errors={
                        "day": ValidationError(
                            _("Dagen må være mellom %(first)s og %(last)s (samlingens dager).")
                            % {
                                "first": first.strftime("%d.%m.%Y"),
                                "last": last.strftime("%d.%m.%Y"),
                            }
                        )
                    }
                )
        if errors:
            raise ValidationError(
                {"programme": blocks.StreamBlockValidationError(block_errors=errors)}
            )

    def sessions_by_day(self) -> list[tuple[datetime.date, list[Any]]]:
        """The sessions grouped by day, each day's in order of start time."""
        days: dict[datetime.date, list[Any]] = {}
        for child in self.programme:
            days.setdefault(child.value["day"], []).append(child)
        return [
            (day, sorted(items, key=lambda item: item.value["start"]))
            for day, items in sorted(days.items())
        ]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["days"] = self.sessions_by_day()
        context["tasks"] = list(self.gathering.tasks.all())
        return context


class ConsultancyPage(SamlaPage):
    """A consultancy's page; its members edit it and the programme pages under it."""

    consultancy: models.OneToOneField[Consultancy, Consultancy] = models.OneToOneField(
        "billing.Consultancy",
        on_delete=models.PROTECT,
        related_name="cms_page",
        verbose_name=gettext_lazy("konsulentselskap"),
    )
    intro = SafeRichTextField(gettext_lazy("innledning"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("consultancy"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ContentPage"]
    template = "cms/content_page.html"  # the intro, the body if any, the pages under it

    class Meta:
        verbose_name = gettext_lazy("konsulentside")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        return self.subpages_context(request, context)


class ContentPage(SamlaPage):
    """A plain page: a programme description, a network's background material."""

    intro = SafeRichTextField(gettext_lazy("innledning"), blank=True)
    body = StreamField(ContentBodyBlock(), blank=True, verbose_name=gettext_lazy("innhold"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.NetworkPage", "cms.ConsultancyPage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]

    class Meta:
        verbose_name = gettext_lazy("innholdsside")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        return self.subpages_context(request, context)


class ToolIndexPage(SamlaPage):
    intro = SafeRichTextField(gettext_lazy("innledning"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ToolPage"]
    max_count = 1

    class Meta:
        verbose_name = gettext_lazy("verktøyoversikt")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        from cms.access import readable_pages

        context["tools"] = readable_pages(ToolPage.objects.child_of(self).live(), request.user)
        return context


class ToolPage(SamlaPage):
    """A tool: the BTI action guide on levels 0–3 with steps and forms, or templates."""

    intro = SafeRichTextField(gettext_lazy("innledning"), blank=True)
    body = StreamField(ToolBodyBlock(), blank=True, verbose_name=gettext_lazy("innhold"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.ToolIndexPage"]
    subpage_types: list[str] = []
    template = "cms/content_page.html"

    class Meta:
        verbose_name = gettext_lazy("verktøy")
        verbose_name_plural = gettext_lazy("verktøy")


class NewsIndexPage(SamlaPage):
    intro = SafeRichTextField(gettext_lazy("innledning"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.NetworkPage"]
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = gettext_lazy("nyhetsoversikt")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        from cms.access import readable_pages

        news = NewsPage.objects.child_of(self).live().order_by("-date", "-pk")
        context["news"] = readable_pages(news, request.user)
        return context


class NewsPage(SamlaPage):
    date: models.DateField[datetime.date, datetime.date] = models.DateField(
        gettext_lazy("dato"), default=datetime.date.today
    )
    intro: models.CharField[str, str] = models.CharField(
        gettext_lazy("ingress"), max_length=300, blank=True
    )
    body = SafeRichTextField(gettext_lazy("tekst"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = gettext_lazy("nyhet")
        verbose_name_plural = gettext_lazy("nyheter")
