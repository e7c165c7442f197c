"""Creating, changing, publishing and deleting a consultancy's programme packages.

Plain functions taking the acting user (a member of the package's consultancy, or an
operator: `billing.access`), one transaction each; everything given is checked before
anything is written, and a refusal is a `ValidationError` in Norwegian, by field
(`items` errors name the line: "Linje 2: …").

A package's items are given whole: a change that names `items` replaces them all, in the
order given. Changes name the `version` they edited; someone else's save in between is
`StalePackage` (409), nothing written.

A published package is frozen. Its items, prices and schedule can't change in place, and
neither can its title or description: the consultancy unpublishes it, edits the draft and
publishes again. What municipalities saw in the catalogue is then always what is for sale,
and an order (next in the billing issue) copies the package's items into its own lines
when it is placed, so a later change to the package never reaches an order already made.
A published package can't be deleted either (unpublish first); a package with no items
can't be published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from billing import access, money
from billing.kinds import KINDS_BY_SLUG, UnitChoice, VatChoice
from billing.models import Consultancy, Package, PackageItem, PackageStatus
from networks.access import User
from samla.textrules import contains_control_characters, contains_national_id

FIELDS = ("title", "slug", "description", "programme_page", "duration_weeks")
MAX_ITEMS = 200
MAX_WEEKS = 520
MAX_UNIT_PRICE = Decimal("9999999999.99")  # the column's 12 digits
MAX_QUANTITY = Decimal("99999999.9999")
TEXT_LIMITS = {"title": 200, "description": 4000}
ITEM_TEXT_LIMITS = {"name": 200, "description": 500}


class StalePackage(Exception):
    """Someone saved the package since the version the caller edited (409)."""

    def __init__(self, current: Package) -> None:
        self.current = current
        super().__init__(f"package {current.pk} is at version {current.version}")


def _text_error(value: Any, limit: int, *, required: bool) -> str | None:
    if not isinstance(value, str):
        return _("Må være tekst.")
    if required and not value.strip():
        return _("Kan ikke være tom.")
    if len(value) > limit:
        return _("Kan være høyst %(limit)s tegn.") % {"limit": limit}
    if contains_control_characters(value):
        return _("Inneholder kontrolltegn.")
    if contains_national_id(value):
        return _("Ser ut til å inneholde et fødselsnummer.")
    return None


def _whole_number(value: Any, low: int, high: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return _("Må være et heltall.")
    if not low <= value <= high:
        return _("Må være fra %(low)s til %(high)s.") % {"low": low, "high": high}
    return None


def _clean_item(raw: Any, duration_weeks: int | None) -> tuple[dict[str, Any], list[str]]:
    """One item as stored, and what is wrong with it (empty when nothing)."""
    if not isinstance(raw, Mapping):
        return {}, [_("Må være et objekt med type, antall, pris og uke.")]
    problems: list[str] = []
    kind = KINDS_BY_SLUG.get(str(raw.get("kind", "")))
    if kind is None:
        problems.append(_("Ukjent type «%(kind)s».") % {"kind": raw.get("kind", "")})
    item: dict[str, Any] = {}
    for name, limit in ITEM_TEXT_LIMITS.items():
        value = raw.get(name, "")
        if name == "name" and not value and kind is not None:
            value = str(kind.label)
        error = _text_error(value, limit, required=name == "name")
        if error:
            problems.append(f"{name}: {error}")
        item[name] = value.strip() if isinstance(value, str) else value
    for name, check in (("quantity", money.quantity), ("unit_price", money.unit_price)):
        if name not in raw:
            problems.append(_("%(field)s må fylles ut.") % {"field": name})
            continue
        try:
            number = check(raw[name])
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        except ArithmeticError:
            # billing.money quantizes in the default context: 1E+30 overflows it.
            problems.append(_("%(field)s er for stort.") % {"field": name})
            continue
        ceiling = MAX_QUANTITY if name == "quantity" else MAX_UNIT_PRICE
        if number > ceiling:
            problems.append(_("%(field)s er for stort.") % {"field": name})
        item[name] = number
    unit = raw.get("unit") or (kind.default_unit.value if kind else "")
    if unit not in UnitChoice.values:
        problems.append(
            _("Ukjent enhet «%(unit)s»: bruk DAY, HUR, MON, EA eller C62.") % {"unit": unit}
        )
    vat = raw.get("vat") or (kind.default_vat.value if kind else "")
    if vat not in VatChoice.values:
        problems.append(_("Ukjent mva-valg «%(vat)s».") % {"vat": vat})
    week = raw.get("schedule_week")
    error = _whole_number(week, 1, MAX_WEEKS)
    if error:
        problems.append(_("Uke fra start: %(error)s") % {"error": error})
    elif duration_weeks is not None and isinstance(week, int) and week > duration_weeks:
        problems.append(
            _("Uke %(week)s er etter pakkens siste uke (%(weeks)s).")
            % {"week": week, "weeks": duration_weeks}
        )
    item.update(kind=kind.slug if kind else "", unit=unit, vat=vat, schedule_week=week)
    return item, problems


def _clean(
    data: Mapping[str, Any], consultancy: Consultancy, current: Package | None
) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """The package's fields and items as stored (items None: not given), or ValidationError."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        if name in data:
            error = _text_error(data[name], limit, required=name == "title")
            if error:
                errors[name] = [error]
            else:
                fields[name] = data[name].strip()
    if "slug" in data:
        slug = data["slug"]
        if not isinstance(slug, str) or not slug or slugify(slug) != slug or len(slug) > 100:
            errors["slug"] = [_("Kortnavnet kan bare ha små bokstaver a–z, tall og bindestrek.")]
        else:
            fields["slug"] = slug
    if "duration_weeks" in data:
        error = _whole_number(data["duration_weeks"], 1, MAX_WEEKS)
        if error:
            errors["duration_weeks"] = [error]
        else:
            fields["duration_weeks"] = data["duration_weeks"]
    if "programme_page" in data:
        fields["programme_page"] = None
        page_id = data["programme_page"]
        if page_id is not None:
            page = _programme_page(consultancy, page_id)
            if page is None:
                errors["programme_page"] = [
                    _("Programsiden må være en side under konsulentselskapets side i CMS-et.")
                ]
            fields["programme_page"] = page
    duration = fields.get("duration_weeks", current.duration_weeks if current else None)
    items: list[dict[str, Any]] | None = None
    if "items" in data:
        given = data["items"]
        if not isinstance(given, Sequence) or isinstance(given, str | bytes):
            errors["items"] = [_("Linjene må være en liste.")]
        elif len(given) > MAX_ITEMS:
            errors["items"] = [_("En pakke kan ha høyst %(n)s linjer.") % {"n": MAX_ITEMS}]
        else:
            items = []
            for number, raw in enumerate(given, start=1):
                item, problems = _clean_item(raw, duration)
                items.append(item)
                errors.setdefault("items", []).extend(
                    _("Linje %(n)s: %(problem)s") % {"n": number, "problem": problem}
                    for problem in problems
                )
            if not errors.get("items"):
                errors.pop("items", None)
    elif current is not None and "duration_weeks" in fields:
        late = current.items.filter(schedule_week__gt=fields["duration_weeks"]).first()
        if late is not None:
            errors["duration_weeks"] = [
                _("Linjen «%(name)s» ligger i uke %(week)s, etter pakkens slutt.")
                % {"name": late.name, "week": late.schedule_week}
            ]
    if errors:
        raise ValidationError(errors)
    return fields, items


def _programme_page(consultancy: Consultancy, page_id: Any) -> Page | None:
    """The page if it is under the consultancy's page in the CMS (or is it)."""
    if isinstance(page_id, bool) or not isinstance(page_id, int):
        return None
    from cms.models import ConsultancyPage  # the CMS imports billing's models

    home = ConsultancyPage.objects.filter(consultancy=consultancy).first()
    if home is None:
        return None
    return Page.objects.filter(pk=page_id).descendant_of(home, inclusive=True).first()


def _unique_slug(consultancy: Consultancy, title: str) -> str:
    base = slugify(title)[:90] or "pakke"
    taken = set(
        Package.objects.filter(consultancy=consultancy, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _write_items(package: Package, items: list[dict[str, Any]]) -> None:
    package.items.all().delete()
    PackageItem.objects.bulk_create(
        PackageItem(package=package, order=number, **item)
        for number, item in enumerate(items, start=1)
    )


def _save(package: Package) -> Package:
    try:
        with transaction.atomic():
            package.save()
    except IntegrityError:
        raise ValidationError(
            {"slug": [_("Selskapet har allerede en pakke med dette kortnavnet.")]}
        ) from None
    return package


def _check_version(package: Package, version: int | None) -> Package:
    """The package locked for update, if it is still at `version`."""
    if version is None:
        raise ValidationError({"version": [_("Oppgi versjonen du har endret (feltet «version»).")]})
    current = Package.objects.select_for_update().select_related("consultancy").get(pk=package.pk)
    if current.version != version:
        raise StalePackage(current)
    return current


def create_package(user: User, consultancy: Consultancy, data: Mapping[str, Any]) -> Package:
    """A new draft package of the consultancy, with its items."""
    access.require_manager(user, consultancy)
    missing = {
        name: [_("Feltet må fylles ut.")]
        for name in ("title", "duration_weeks")
        if data.get(name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)
    fields, items = _clean(data, consultancy, None)
    with transaction.atomic():
        if "slug" not in fields:
            fields["slug"] = _unique_slug(consultancy, fields["title"])
        package = _save(Package(consultancy=consultancy, **fields))
        _write_items(package, items or [])
        return package


def update_package(
    user: User, package: Package, data: Mapping[str, Any], *, version: int | None
) -> Package:
    """Change a draft's fields and (when `items` is given) replace its items."""
    access.require_manager(user, package.consultancy)
    with transaction.atomic():
        current = _check_version(package, version)
        if current.is_published:
            raise ValidationError(
                _("Pakken er publisert og kan ikke endres: avpubliser den først.")
            )
        fields, items = _clean(data, current.consultancy, current)
        for name, value in fields.items():
            setattr(current, name, value)
        current.version += 1
        _save(current)
        if items is not None:
            _write_items(current, items)
        return current


def publish_package(user: User, package: Package, *, version: int | None) -> Package:
    """Put the draft in the catalogue (refused without items)."""
    access.require_manager(user, package.consultancy)
    with transaction.atomic():
        current = _check_version(package, version)
        if current.is_published:
            raise ValidationError(_("Pakken er allerede publisert."))
        if not current.items.exists():
            raise ValidationError(
                {"items": [_("En pakke uten linjer kan ikke publiseres: legg til minst én.")]}
            )
        current.status = PackageStatus.PUBLISHED
        current.published_at = timezone.now()
        current.version += 1
        current.save()
        return current


def unpublish_package(user: User, package: Package, *, version: int | None) -> Package:
    """Take the package out of the catalogue, back to a draft that can be changed."""
    access.require_manager(user, package.consultancy)
    with transaction.atomic():
        current = _check_version(package, version)
        if not current.is_published:
            raise ValidationError(_("Pakken er ikke publisert."))
        current.status = PackageStatus.DRAFT
        current.published_at = None
        current.version += 1
        current.save()
        return current


def delete_package(user: User, package: Package) -> None:
    """Remove a draft package and its items (a published one is unpublished first)."""
    access.require_manager(user, package.consultancy)
    with transaction.atomic():
        current = Package.objects.select_for_update().get(pk=package.pk)
        if current.is_published:
            raise ValidationError(_("En publisert pakke kan ikke slettes: avpubliser den først."))
        current.delete()
