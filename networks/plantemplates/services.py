"""Creating, editing and publishing a network's plan templates (coordinators, operators).

Plain functions taking the acting user, one transaction each. The content is checked
whole (`content.validate_content`) before anything is written. Publishing freezes the
working copy as the next numbered version; a municipality that started a plan from an
earlier version then sees what changed (`tenants.template_adoptions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from networks.models import LearningNetwork
from networks.plantemplates import access
from networks.plantemplates.content import validate_content
from networks.plantemplates.models import PlanTemplate, PlanTemplateVersion
from samla.textrules import contains_control_characters, contains_national_id

FIELDS = ("title", "description", "content")


class StaleTemplate(Exception):
    """Someone saved the template since the version the caller edited (409)."""

    def __init__(self, current: PlanTemplate) -> None:
        self.current = current
        super().__init__(f"template {current.pk} is at version {current.version}")


def _check(data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name, limit in (("title", 200), ("description", 4000)):
        if name not in data:
            continue
        value = data[name]
        if not isinstance(value, str):
            errors[name] = [_("Må være tekst.")]
        elif name == "title" and not value.strip():
            errors[name] = [_("Tittelen kan ikke være tom.")]
        elif len(value) > limit:
            errors[name] = [_("Kan være høyst %(limit)s tegn.") % {"limit": limit}]
        elif contains_control_characters(value):
            errors[name] = [_("Inneholder kontrolltegn.")]
        elif contains_national_id(value):
            errors[name] = [_("Ser ut til å inneholde et fødselsnummer.")]
    if "content" in data:
        try:
            validate_content(data["content"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def create_template(
    user: AbstractBaseUser, network: LearningNetwork, data: Mapping[str, Any]
) -> PlanTemplate:
    """A new, unpublished template of the network."""
    access.require_manager(user, network)
    missing = {
        name: [_("Feltet må fylles ut.")] for name in ("title", "content") if name not in data
    }
    if missing:
        raise ValidationError(missing)
    _check(data)
    with transaction.atomic():
        return PlanTemplate.objects.create(
            network=network,
            title=data["title"].strip(),
            description=data.get("description", ""),
            content=data["content"],
        )


def update_template(
    user: AbstractBaseUser, template: PlanTemplate, data: Mapping[str, Any], *, version: int | None
) -> PlanTemplate:
    """Change the working copy (published versions stay as they are until the next publish)."""
    access.require_manager(user, template.network)
    if version is None:
        raise ValidationError({"version": [_("Oppgi versjonen du har endret (feltet «version»).")]})
    _check(data)
    with transaction.atomic():
        current = PlanTemplate.objects.select_for_update().get(pk=template.pk)
        if current.version != version:
            raise StaleTemplate(current)
        for name in FIELDS:
            if name in data:
                value = data[name].strip() if name == "title" else data[name]
                setattr(current, name, value)
        current.version += 1
        current.save()
        return current


def publish_template(
    user: AbstractBaseUser, template: PlanTemplate, *, version: int | None
) -> PlanTemplate:
    """Freeze the working copy as the next published version (the version named is checked)."""
    access.require_manager(user, template.network)
    if version is None:
        raise ValidationError({"version": [_("Oppgi versjonen du har endret (feltet «version»).")]})
    with transaction.atomic():
        current = PlanTemplate.objects.select_for_update().get(pk=template.pk)
        if current.version != version:
            raise StaleTemplate(current)
        validate_content(current.content)  # as stored; checked again for safety
        latest = current.versions.order_by("-number").first()
        if latest is not None and (
            latest.content == current.content
            and latest.title == current.title
            and latest.description == current.description
        ):
            raise ValidationError(
                {"version": [_("Ingenting er endret siden versjon %(n)s.") % {"n": latest.number}]}
            )
        current.published_version += 1
        PlanTemplateVersion.objects.create(
            template=current,
            number=current.published_version,
            title=current.title,
            description=current.description,
            content=current.content,
            published_by=user,  # type: ignore[misc]
        )
        current.version += 1
        current.save()
        return current


def delete_template(user: AbstractBaseUser, template: PlanTemplate) -> None:
    """Remove a template that was never published (a published one has been taken)."""
    access.require_manager(user, template.network)
    if template.is_published:
        raise ValidationError(_("En publisert mal kan ikke slettes; kommuner kan ha brukt den."))
    template.delete()


def published_version(template: PlanTemplate, number: int | None = None) -> PlanTemplateVersion:
    """The template's latest published version (or the one numbered)."""
    versions = template.versions.all()
    found = (
        versions.filter(number=number).first() if number else versions.order_by("-number").first()
    )
    if found is None:
        raise ValidationError({"template": [_("Malen er ikke publisert.")]})
    return found
