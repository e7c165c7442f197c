"""Forms of billing's pages: what a person types, parsed for `billing.services`.

A form only parses types, lengths and which choices exist; the rules (prices in whole øre,
weeks inside the package, a buyer reference) live in the services, whose ValidationError
the views put back next to the field it names. A package's items are a formset: one row
per item, a row removed by ticking "Fjern", a row added by "Legg til linje" (no
JavaScript needed). Amounts stay text until the service reads them as exact decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from billing.kinds import KINDS, UnitChoice, VatChoice
from billing.models import BillingMode, Consultancy, Order, Package
from billing.services.packages import MAX_ITEMS, MAX_WEEKS
from tenants.plans.forms import DateInput

Choices = list[tuple[Any, Any]]


class PackageForm(forms.Form):
    """A package's own fields (its items are `ItemFormSet`)."""

    title = forms.CharField(label=gettext_lazy("Tittel"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Beskrivelse"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Vises i katalogen. Programsiden i CMS-et kan si mer."),
    )
    duration_weeks = forms.IntegerField(
        label=gettext_lazy("Varighet (uker)"), min_value=1, max_value=MAX_WEEKS
    )
    programme_page = forms.TypedChoiceField(
        label=gettext_lazy("Programside i CMS-et"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("En side under selskapets side, som katalogen lenker til."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stale = False  # someone else saved first: the page shows the current values (409)

    def __init__(self, *args: Any, pages: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pages:
            self.fields["programme_page"].choices = [  # type: ignore[attr-defined]
                ("", gettext_lazy("Ingen programside")),
                *pages,
            ]
        else:  # the consultancy has no page in the CMS yet
            del self.fields["programme_page"]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        given = {
            "title": data["title"],
            "description": data.get("description") or "",
            "duration_weeks": data["duration_weeks"],
        }
        if "programme_page" in self.fields:
            given["programme_page"] = data.get("programme_page")
        return given

    @property
    def edited_version(self) -> int | None:
        version = self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None
        return int(version) if version is not None else None


def package_initial(package: Package) -> dict[str, Any]:
    return {
        "title": package.title,
        "description": package.description,
        "duration_weeks": package.duration_weeks,
        "programme_page": package.programme_page_id,
        "version": package.version,
    }


def programme_pages(consultancy: Consultancy) -> list[tuple[int, str]]:
    """The consultancy's page in the CMS and the pages under it, in the tree's order."""
    from wagtail.models import Page

    from cms.models import ConsultancyPage  # the CMS imports billing's models

    home = ConsultancyPage.objects.filter(consultancy=consultancy).first()
    if home is None:
        return []
    pages = Page.objects.descendant_of(home, inclusive=True).order_by("path")
    return [(page.pk, "– " * (page.depth - home.depth) + page.title) for page in pages]


KIND_CHOICES: Choices = [("", gettext_lazy("Velg type")), *((k.slug, k.label) for k in KINDS)]
UNIT_CHOICES: Choices = [("", gettext_lazy("Typens vanlige")), *UnitChoice.choices]
VAT_CHOICES: Choices = [("", gettext_lazy("Typens vanlige")), *VatChoice.choices]


class ItemForm(forms.Form):
    """One priced line of the package. A row left empty is no line."""

    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=KIND_CHOICES, required=False)
    name = forms.CharField(
        label=gettext_lazy("Navn"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Tomt: typens navn."),
    )
    description = forms.CharField(label=gettext_lazy("Beskrivelse"), required=False, max_length=500)
    quantity = forms.CharField(
        label=gettext_lazy("Antall"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit = forms.ChoiceField(label=gettext_lazy("Enhet"), choices=UNIT_CHOICES, required=False)
    unit_price = forms.CharField(
        label=gettext_lazy("Enhetspris eks. mva (kr)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=gettext_lazy("Kroner og øre med punktum eller komma, for eksempel 18500,00."),
    )
    vat = forms.ChoiceField(label=gettext_lazy("Mva"), choices=VAT_CHOICES, required=False)
    schedule_week = forms.IntegerField(
        label=gettext_lazy("Uke fra start"), required=False, min_value=1, max_value=MAX_WEEKS
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(
            data.get(name) not in (None, "")
            for name in ("kind", "name", "description", "quantity", "unit_price", "schedule_week")
        )


def _amount_text(value: str) -> str:
    """Norwegian typing (a decimal comma, spaces between thousands) as the service reads it."""
    return value.replace("\xa0", "").replace(" ", "").replace(",", ".")


BaseItemFormSet = forms.formset_factory(
    ItemForm, extra=0, can_delete=True, max_num=MAX_ITEMS, validate_max=True, absolute_max=MAX_ITEMS
)


class ItemFormSet(BaseItemFormSet):  # type: ignore[valid-type,misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "items")
        super().__init__(*args, **kwargs)
        for number, form in enumerate(self.forms, start=1):
            form.fields["DELETE"].label = gettext_lazy("Fjern linje %(number)d") % {
                "number": number
            }

    def items(self) -> list[dict[str, Any]]:
        """The kept rows as `billing.services.packages` takes them, in the order shown."""
        kept = []
        for form in self.forms:
            if self._should_delete_form(form) or form.is_blank():
                continue
            data = form.cleaned_data
            item: dict[str, Any] = {
                "kind": data.get("kind") or "",
                "name": data.get("name") or "",
                "description": data.get("description") or "",
                "quantity": _amount_text(data.get("quantity") or ""),
                "unit_price": _amount_text(data.get("unit_price") or ""),
                "schedule_week": data.get("schedule_week"),
            }
            for name in ("unit", "vat"):
                if data.get(name):
                    item[name] = data[name]
            kept.append(item)
        return kept


def items_initial(package: Package) -> list[dict[str, Any]]:
    return [
        {
            "kind": item.kind,
            "name": item.name,
            "description": item.description,
            "quantity": f"{item.quantity.normalize():f}".replace(".", ","),
            "unit": item.unit,
            "unit_price": f"{item.unit_price:f}".replace(".", ","),
            "vat": item.vat,
            "schedule_week": item.schedule_week,
        }
        for item in package.items.all()
    ]


def with_added_row(data: QueryDict, prefix: str = "items", limit: int = MAX_ITEMS) -> QueryDict:
    """The sent data with one more (empty) row: the "Legg til linje" button."""
    more = data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    more[f"{prefix}-TOTAL_FORMS"] = str(min(max(total, 0) + 1, limit))
    return more


def unbound_values(form_class: type[forms.Form], data: QueryDict) -> dict[str, Any]:
    """What was typed in the form's fields, as initial values (no errors shown): for the
    "Legg til linje" button, which saves nothing."""
    return {name: data.get(name) for name in form_class.base_fields if name in data}


# Ordering a package ------------------------------------------------------------------


class OrderForm(forms.Form):
    """What a municipality's leader fills in to order a package."""

    plan = forms.TypedChoiceField(
        label=gettext_lazy("Plan"),
        coerce=int,
        help_text=gettext_lazy("Pakkens samlinger og fagdager føres inn i denne planen."),
    )
    start_date = forms.DateField(label=gettext_lazy("Startdato"), widget=DateInput())
    billing_mode = forms.ChoiceField(
        label=gettext_lazy("Fakturering"),
        choices=BillingMode.choices,
        initial=BillingMode.UP_FRONT,
        help_text=gettext_lazy(
            "Alt på forskudd: én faktura når bestillingen bekreftes. Etter levering: en "
            "faktura hver måned for det som er holdt den måneden."
        ),
    )
    buyer_reference = forms.CharField(
        label=gettext_lazy("Bestillerreferanse"),
        max_length=200,
        help_text=gettext_lazy(
            "Referansen kommunen krever på fakturaen (EHF), ofte ansvarsnummer eller navn."
        ),
    )
    purchase_order = forms.CharField(
        label=gettext_lazy("Innkjøpsordrenummer"), max_length=200, required=False
    )
    invoice_name = forms.CharField(label=gettext_lazy("Fakturamottaker"), max_length=200)
    invoice_org_number = forms.CharField(label=gettext_lazy("Organisasjonsnummer"), max_length=11)
    invoice_street = forms.CharField(
        label=gettext_lazy("Gateadresse"), max_length=200, required=False
    )
    invoice_postcode = forms.CharField(
        label=gettext_lazy("Postnummer"), max_length=4, required=False
    )
    invoice_city = forms.CharField(label=gettext_lazy("Poststed"), max_length=100, required=False)
    invoice_email = forms.EmailField(label=gettext_lazy("E-post for faktura"), required=False)

    FIELDS = (
        "plan",
        "start_date",
        "billing_mode",
        "buyer_reference",
        "purchase_order",
        "invoice_name",
        "invoice_org_number",
        "invoice_street",
        "invoice_postcode",
        "invoice_city",
        "invoice_email",
    )

    def __init__(self, *args: Any, plans: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", gettext_lazy("Velg plan")), *plans]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: (data[name].replace(" ", "") if name == "invoice_org_number" else data[name])
            for name in self.FIELDS
        }


def order_initial(municipality_name: str, org_number: str, last: Order | None) -> dict[str, Any]:
    """The invoice address prefilled: as on the municipality's last order, else its name
    and organisation number."""
    initial: dict[str, Any] = {
        "billing_mode": BillingMode.UP_FRONT,
        "invoice_name": municipality_name,
        "invoice_org_number": org_number,
    }
    if last is not None:
        for name in (
            "invoice_name",
            "invoice_org_number",
            "invoice_street",
            "invoice_postcode",
            "invoice_city",
            "invoice_email",
        ):
            initial[name] = getattr(last, name)
    return initial


def chosen_labels(form: OrderForm) -> dict[str, str]:
    """The plan's title and the billing mode's label as the summary shows them."""
    data = form.cleaned_data
    plans = dict(form.fields["plan"].choices)  # type: ignore[attr-defined]
    return {
        "plan": str(plans.get(data.get("plan"), "")),
        "billing_mode": str(BillingMode(data["billing_mode"]).label),
    }


def hidden_copy(form: OrderForm) -> Sequence[tuple[str, str]]:
    """The order form's values as hidden fields, for the summary's confirm button."""
    pairs: list[tuple[str, str]] = []
    for name in OrderForm.FIELDS:
        value = form.data.get(name, "")
        pairs.append((name, str(value)))
    return pairs
