"""StreamField blocks: a gathering programme's sessions, the BTI action guide's levels."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from cms.richtext import SafeRichTextBlock


class SessionKind(models.TextChoices):
    TALK = "talk", gettext_lazy("Foredrag")
    PLENARY = "plenary", gettext_lazy("Plenum")
    GROUP_TASK = "group_task", gettext_lazy("Gruppeoppgave")
    BREAK = "break", gettext_lazy("Pause")


class SessionBlock(blocks.StructBlock):
    """One item of a programme: on a day of the gathering, from a time to a later time."""

    day = blocks.DateBlock(label=gettext_lazy("Dag"))
    start = blocks.TimeBlock(label=gettext_lazy("Starter"), format="%H:%M")
    end = blocks.TimeBlock(label=gettext_lazy("Slutter"), format="%H:%M")
    title = blocks.CharBlock(label=gettext_lazy("Tittel"), max_length=200)
    speaker = blocks.CharBlock(label=gettext_lazy("Innleder"), max_length=200, required=False)
    kind = blocks.ChoiceBlock(
        choices=SessionKind.choices, default=SessionKind.TALK, label=gettext_lazy("Type")
    )
    description = SafeRichTextBlock(label=gettext_lazy("Beskrivelse"), required=False)
    materials = blocks.ListBlock(
        DocumentChooserBlock(label=gettext_lazy("Dokument")),
        label=gettext_lazy("Materiell"),
        default=[],
    )

    class Meta:
        icon = "time"
        label = gettext_lazy("Programpost")
        template = "cms/blocks/session.html"

    def get_context(
        self, value: Any, parent_context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(value, parent_context)
        context["kind_label"] = SessionKind(value["kind"]).label
        return context

    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "end": ValidationError(_("Programposten må slutte etter at den starter."))
                }
            )
        return cleaned


class LevelChoice(models.TextChoices):
    ZERO = "0", gettext_lazy("Nivå 0: Er det grunn til undring eller bekymring?")
    ONE = "1", gettext_lazy("Nivå 1: Tiltak i egen enhet")
    TWO = "2", gettext_lazy("Nivå 2: Samarbeid mellom to tjenester")
    THREE = "3", gettext_lazy("Nivå 3: Samarbeid mellom flere tjenester")


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=gettext_lazy("Steg"), max_length=200)
    text = SafeRichTextBlock(label=gettext_lazy("Hva gjøres"), required=False)
    responsible = blocks.CharBlock(label=gettext_lazy("Ansvarlig"), max_length=200, required=False)

    class Meta:
        icon = "list-ol"
        label = gettext_lazy("Steg")


class LevelBlock(blocks.StructBlock):
    """One level of the BTI action guide (handlingsveileder), its steps and forms."""

    level = blocks.ChoiceBlock(choices=LevelChoice.choices, label=gettext_lazy("Nivå"))
    summary = SafeRichTextBlock(label=gettext_lazy("Om nivået"), required=False)
    steps = blocks.ListBlock(StepBlock(), label=gettext_lazy("Steg"), default=[])
    forms = blocks.ListBlock(
        DocumentChooserBlock(label=gettext_lazy("Skjema")),
        label=gettext_lazy("Skjemaer"),
        default=[],
    )

    class Meta:
        icon = "list-ul"
        label = gettext_lazy("Nivå i handlingsveilederen")
        template = "cms/blocks/level.html"

    def get_context(
        self, value: Any, parent_context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(value, parent_context)
        context["level_label"] = LevelChoice(value["level"]).label
        return context


class TemplateKind(models.TextChoices):
    CONSENT = "consent", gettext_lazy("Samtykkeskjema")
    CONVERSATION = "conversation", gettext_lazy("Samtalemal")
    FORM = "form", gettext_lazy("Skjema")


class TemplateBlock(blocks.StructBlock):
    """A consent form or conversation template that units download and fill in."""

    kind = blocks.ChoiceBlock(choices=TemplateKind.choices, label=gettext_lazy("Type"))
    title = blocks.CharBlock(label=gettext_lazy("Tittel"), max_length=200)
    text = SafeRichTextBlock(label=gettext_lazy("Veiledning"), required=False)
    document = DocumentChooserBlock(label=gettext_lazy("Dokument"), required=False)

    class Meta:
        icon = "doc-full"
        label = gettext_lazy("Mal eller skjema")
        template = "cms/blocks/template.html"

    def get_context(
        self, value: Any, parent_context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(value, parent_context)
        context["kind_label"] = TemplateKind(value["kind"]).label
        return context


class ToolBodyBlock(blocks.StreamBlock):
    text = SafeRichTextBlock(label=gettext_lazy("Tekst"))
    level = LevelBlock()
    template = TemplateBlock()


class ContentBodyBlock(blocks.StreamBlock):
    text = SafeRichTextBlock(label=gettext_lazy("Tekst"))
    document = DocumentChooserBlock(
        label=gettext_lazy("Dokument"), template="cms/blocks/document.html"
    )
