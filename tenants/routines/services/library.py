"""Sharing routines to a network's library, adopting them from it, and taking later changes.

Sharing runs on the source's host: its leader copies the approved version in force into
the public schema (`networks.library`), and each later approval publishes the next copy
(the `after_approval` hook) and tells the municipalities that adopted it. Adopting runs
on the adopter's host: a writer takes the latest library version as a new draft routine
of their own, the source's unit names mapped onto their own units in the same step. Every
step copies; nothing links live across schemas, and nothing is approved in a
municipality without its own leader's approval.

Taking changes writes only the fields the source changed between the version the
adopter took and the latest one, into the adopter's draft (started from its version in
force if it has none), so the adopter's own edits of other fields stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from cms.models import CollaborationMethod
from networks.library import access as library_access
from networks.library.models import LibraryRoutine, LibraryRoutineVersion
from networks.library.tasks import notify_library_update as notify_task
from networks.models import NetworkMembership
from samla.tasks import send_for_municipality
from samla.urls_helpers import municipality_url
from tenants.models import Municipality
from tenants.plans.services.engine import Errors, add_error, raise_if
from tenants.routines.content import FieldDiff, diff, version_content
from tenants.routines.models import (
    Notice,
    NoticeKind,
    Routine,
    RoutineStatus,
    RoutineStep,
    RoutineVersion,
    Unit,
)
from tenants.routines.services.common import (
    parse_id,
    require_leader,
    require_writer,
    resolve_unit,
    unit_missing,
)
from tenants.routines.services.reviews import leader_emails
from tenants.routines.services.routines import (
    after_approval,
    create_routine,
    on_retirement,
    update_routine,
)

MAX_MAPPED_NAMES = 500
# The content fields that name units, and how each is read.
UNIT_FIELDS = ("owner_unit", "units", "steps")


class StaleLibraryVersion(Exception):
    """The source published a newer version since the changes the caller chose from."""

    def __init__(self, routine: Routine, latest: int) -> None:
        super().__init__(f"library entry {routine.library_entry_id} is at version {latest}")
        self.routine = routine
        self.latest = latest


# Reading a version for the library ---------------------------------------------------------


def _content_of(version: RoutineVersion) -> dict[str, Any]:
    """The version's content, its units and steps read in one query each."""
    loaded = (
        RoutineVersion.objects.select_related("owner_unit")
        .prefetch_related(
            "units",
            Prefetch("steps", queryset=RoutineStep.objects.select_related("responsible_unit")),
        )
        .get(pk=version.pk)
    )
    return version_content(loaded)


def _publish(entry: LibraryRoutine, version: RoutineVersion) -> LibraryRoutineVersion | None:
    """Copy the approved version into the entry as its next version (None if it is there)."""
    if entry.versions.filter(source_version=version.number).exists():
        return None
    assert version.approved_on is not None
    published = LibraryRoutineVersion.objects.create(
        entry=entry,
        number=entry.latest_version + 1,
        source_version=version.number,
        content=_content_of(version),
        approved_on=version.approved_on,
    )
    entry.latest_version = published.number
    entry.title = version.title
    entry.save(update_fields=["latest_version", "title"])
    return published


# Sharing (the source's host) ----------------------------------------------------------------


def _member_network(tenant: Municipality, network_id: Any) -> int:
    pk = parse_id(network_id)
    if pk is None or not 0 < pk < 2**63:
        raise ValidationError({"network": [_("Oppgi nettverkets id (et heltall).")]})
    if not NetworkMembership.objects.current().filter(municipality=tenant, network_id=pk).exists():
        raise ValidationError({"network": [_("Kommunen er ikke medlem av dette nettverket.")]})
    return pk


def share_routine(
    tenant: Municipality, user: AbstractBaseUser, routine: Routine, network_id: Any
) -> LibraryRoutine:
    """Share the routine's approved version to the library of a network the municipality
    belongs to (the leader). Sharing again after a withdrawal puts it back."""
    require_leader(tenant, user, _("Bare kommunens leder kan dele rutiner med nettverket."))
    with transaction.atomic():
        routine = (
            Routine.objects.select_for_update(of=("self",))
            .select_related("current")
            .get(pk=routine.pk)
        )
        if routine.status != RoutineStatus.APPROVED or routine.current is None:
            raise ValidationError(
                {
                    "__all__": [
                        _(
                            "Bare godkjente rutiner kan deles. Godkjenn rutinen før du "
                            "deler den med nettverket."
                        )
                    ]
                }
            )
        if routine.library_entry_id is not None:
            raise ValidationError(
                {
                    "__all__": [
                        _(
                            "Rutinen er hentet fra et nettverks bibliotek og kan ikke deles "
                            "videre. Kilden deler den selv."
                        )
                    ]
                }
            )
        network = _member_network(tenant, network_id)
        entry = (
            LibraryRoutine.objects.select_for_update()
            .filter(network_id=network, source_municipality=tenant, source_routine_id=routine.pk)
            .first()
        )
        if entry is not None and entry.withdrawn_at is None:
            raise ValidationError(
                {"network": [_("Rutinen er allerede delt med dette nettverket.")]}
            )
        now = timezone.now()
        if entry is None:
            entry = LibraryRoutine.objects.create(
                network_id=network,
                source_municipality=tenant,
                source_routine_id=routine.pk,
                title=routine.current.title,
                shared_by_user_id=user.pk,
                shared_at=now,
            )
        else:
            entry.withdrawn_at = None
            entry.shared_by_user_id = user.pk
            entry.shared_at = now
            entry.save(update_fields=["withdrawn_at", "shared_by_user_id", "shared_at"])
        _publish(entry, routine.current)
        return entry


def withdraw_routine(
    tenant: Municipality, user: AbstractBaseUser, routine: Routine, network_id: Any
) -> LibraryRoutine:
    """Take the routine out of a network's library (the leader). Its versions are kept, so
    the municipalities that adopted it can still compare; nobody can adopt it anew."""
    require_leader(tenant, user, _("Bare kommunens leder kan trekke tilbake delte rutiner."))
    with transaction.atomic():
        pk = parse_id(network_id)
        entry = (
            LibraryRoutine.objects.select_for_update()
            .filter(
                network_id=pk if pk is not None and 0 < pk < 2**63 else 0,
                source_municipality=tenant,
                source_routine_id=routine.pk,
                withdrawn_at__isnull=True,
            )
            .first()
        )
        if entry is None:
            raise ValidationError({"network": [_("Rutinen er ikke delt med dette nettverket.")]})
        entry.withdrawn_at = timezone.now()
        entry.save(update_fields=["withdrawn_at"])
        return entry


def shared_entries(tenant: Municipality, routine: Routine) -> list[LibraryRoutine]:
    """The libraries the routine is shared to now, with their networks."""
    return list(
        LibraryRoutine.objects.shared()
        .filter(source_municipality=tenant, source_routine_id=routine.pk)
        .select_related("network")
        .order_by("network__name", "id")
    )


def publish_approved_version(tenant: Municipality, routine_id: int) -> None:
    """The `after_approval` hook: publish the newly approved version of a shared routine to
    each library it is shared to, and tell the network's other members (a task each, in
    their own schema; those that adopted it get a notice)."""
    with tenant_context(tenant), transaction.atomic():
        routine = Routine.objects.select_related("current").filter(pk=routine_id).first()
        if routine is None or routine.current is None:
            return
        entries = LibraryRoutine.objects.select_for_update().filter(
            source_municipality=tenant, source_routine_id=routine.pk, withdrawn_at__isnull=True
        )
        for entry in entries:
            published = _publish(entry, routine.current)
            if published is None:
                continue
            members = (
                NetworkMembership.objects.current()
                .filter(network_id=entry.network_id)
                .exclude(municipality=tenant)
                .select_related("municipality")
            )
            for membership in members:
                send_for_municipality(
                    membership.municipality, notify_task, entry.pk, published.number
                )


def withdraw_retired(tenant: Municipality, routine: Routine) -> None:
    """The `on_retirement` hook: a retired routine leaves every library it was shared to
    (its versions stay for those who adopted it)."""
    LibraryRoutine.objects.filter(
        source_municipality=tenant, source_routine_id=routine.pk, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())


if publish_approved_version not in after_approval:
    after_approval.append(publish_approved_version)
if withdraw_retired not in on_retirement:
    on_retirement.append(withdraw_retired)


# Telling an adopter (in the adopter's schema) ------------------------------------------------


def _claim(routine: Routine, number: int, recipients: list[str]) -> Notice | None:
    """Insert the notice's row (inside the caller's transaction), or None if it was taken."""
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the outer one usable
            return Notice.objects.create(
                routine=routine,
                kind=NoticeKind.LIBRARY_UPDATE,
                occasion=str(number),
                recipients=recipients,
            )
    except IntegrityError:
        return None


def notify_library_update(tenant: Municipality, entry_id: int, number: int) -> Notice | None:
    """Tell the municipality that the routine it adopted from the entry has version `number`
    in the library: a notice, and a mail to the owner unit (else the leaders), once per
    library version however often it runs (claimed by the notice's row, as the review
    notices are; the mail goes out inside the claim, so a failed send is retried). None
    when the municipality did not adopt it, has taken that version, or nobody has an
    address, or when the notice was sent before."""
    routine = (
        Routine.objects.select_related("current__owner_unit", "draft__owner_unit")
        .filter(library_entry_id=entry_id)
        .first()
    )
    entry = (
        LibraryRoutine.objects.select_related("source_municipality", "network")
        .filter(pk=entry_id)
        .first()
    )
    if routine is None or entry is None or (routine.library_version or 0) >= number:
        return None
    head = routine.head
    assert head is not None
    email = head.owner_unit.email
    recipients = [email] if email else leader_emails(tenant, timezone.localdate())
    if not recipients:
        return None
    with transaction.atomic():
        notice = _claim(routine, number, recipients)
        if notice is not None:
            _update_message(tenant, routine, head, entry, number, recipients).send(
                fail_silently=False
            )
    return notice


def _update_message(
    tenant: Municipality,
    routine: Routine,
    head: RoutineVersion,
    entry: LibraryRoutine,
    number: int,
    recipients: list[str],
) -> EmailMessage:
    context = {
        "municipality": tenant,
        "title": head.title,
        "source": entry.source_municipality.name,
        "network": entry.network.name,
        "number": number,
        "taken": routine.library_version or 0,
        "url": municipality_url(tenant, f"/rutiner/{routine.pk}/"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("routines/email/library_update_subject.txt", context)
        body = render_to_string("routines/email/library_update_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=recipients)


# Adopting (the adopter's host) -----------------------------------------------------------


def _names_in(content: Mapping[str, Any], fields: tuple[str, ...] = UNIT_FIELDS) -> list[str]:
    """The unit names the content's fields use, in reading order, each once."""
    names: list[str] = []
    if "owner_unit" in fields and content.get("owner_unit"):
        names.append(str(content["owner_unit"]))
    if "units" in fields:
        names += [str(name) for name in content.get("units") or []]
    if "steps" in fields:
        names += [str(step.get("responsible_unit")) for step in content.get("steps") or []]
    return list(dict.fromkeys(name for name in names if name))


def unit_names(content: Mapping[str, Any]) -> list[str]:
    """Every unit name a library version's content uses: what an adoption must map."""
    return _names_in(content)


def _read_mapping(value: Any, errors: Errors) -> dict[str, Unit]:
    """{source unit name: own unit id} as {name: Unit}; unknown ids are an error."""
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping) or len(value) > MAX_MAPPED_NAMES:
        add_error(
            errors,
            "unit_mapping",
            _("Oppgi enhetskoblingen som {«kildens enhetsnavn»: id for egen enhet}."),
        )
        return {}
    ids: dict[str, int] = {}
    for name, unit in value.items():
        pk = parse_id(unit)
        if not isinstance(name, str) or not name.strip() or pk is None or not 0 < pk < 2**63:
            add_error(
                errors,
                "unit_mapping",
                _("Hver enhet fra kilden må kobles til id-en (et heltall) for en egen enhet."),
            )
            return {}
        ids[name.strip()] = pk
    found = Unit.objects.in_bulk(set(ids.values()))
    missing = sorted({pk for pk in ids.values() if pk not in found})
    if missing:
        add_error(errors, "unit_mapping", unit_missing(missing))
    return {name: found[pk] for name, pk in ids.items() if pk in found}


def _require_mapped(names: list[str], mapping: Mapping[str, Unit], errors: Errors) -> None:
    missing = [name for name in names if name not in mapping]
    if missing:
        add_error(
            errors,
            "unit_mapping",
            _("Koble disse enhetene fra kilden til en av kommunens egne enheter: %(names)s.")
            % {"names": ", ".join(f"«{name}»" for name in missing)},
        )


def _known_methods(slugs: Any) -> list[str]:
    """The methods still in the shared catalogue (a removed one is left out, not refused)."""
    wanted = [str(slug) for slug in slugs or []]
    known = set(CollaborationMethod.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    return [slug for slug in wanted if slug in known]


def _routine_data(
    content: Mapping[str, Any], mapping: Mapping[str, Unit], fields: set[str]
) -> dict[str, Any]:
    """The content's `fields` as the routine services take them, units by own id."""
    data: dict[str, Any] = {}
    for name in fields:
        value = content.get(name)
        if name == "owner_unit":
            data[name] = mapping[str(value)].pk
        elif name == "units":
            data[name] = list(dict.fromkeys(mapping[str(unit)].pk for unit in value or []))
        elif name == "steps":
            data[name] = [
                {
                    "action": step.get("action", ""),
                    "responsible_unit": mapping[str(step.get("responsible_unit"))].pk,
                    "timing": step.get("timing", ""),
                }
                for step in value or []
            ]
        elif name == "methods":
            data[name] = _known_methods(value)
        else:
            data[name] = value
    return data


CONTENT_FIELDS = (
    "title",
    "kind",
    "purpose",
    "level",
    "bti_levels",
    "owner_unit",
    "units",
    "methods",
    "internal_control_area",
    "review_interval_months",
    "steps",
)


def adopt_routine(
    tenant: Municipality,
    user: AbstractBaseUser,
    entry_id: Any,
    unit_mapping: Any,
    owner_unit: Any = None,
    *,
    title: str = "",
    change_note: str = "",
) -> Routine:
    """A new draft routine of this municipality from the library entry's latest version.

    `unit_mapping` maps each unit name the source's content uses (units, steps, owner) to
    one of this municipality's unit ids; `owner_unit`, if given, is the own owner unit
    (else the source's owner is mapped). `title` replaces the source's title if given.
    The entry must be shared in a network the municipality belongs to now; the routine
    records where it came from and stays a draft until the municipality approves it.
    """
    require_writer(tenant, user)
    entry = library_access.adoptable_entry(tenant, entry_id)
    if entry is None:
        raise ValidationError(
            {
                "entry": [
                    _("Fant ikke rutinen i bibliotekene til nettverkene kommunen er medlem av.")
                ]
            }
        )
    latest = library_access.latest_version(entry)
    assert latest is not None  # shared() keeps entries without a version out
    content = latest.content
    with transaction.atomic():
        if Routine.objects.filter(library_entry_id=entry.pk).exists():
            raise ValidationError(
                {"entry": [_("Kommunen har allerede hentet denne rutinen fra biblioteket.")]}
            )
        errors: Errors = {}
        mapping = _read_mapping(unit_mapping, errors)
        owner = None
        if owner_unit not in (None, ""):
            owner = resolve_unit(owner_unit, "owner_unit", errors)
        fields = UNIT_FIELDS if owner is None else ("units", "steps")
        needed = _names_in(content, fields)
        _require_mapped(needed, mapping, errors)
        raise_if(errors)
        data = _routine_data(content, mapping, set(CONTENT_FIELDS) - {"owner_unit"})
        data["owner_unit"] = owner.pk if owner is not None else mapping[content["owner_unit"]].pk
        if (title or "").strip():
            data["title"] = title
        data["change_note"] = (change_note or "").strip() or _(
            "Hentet fra %(source)s gjennom biblioteket i %(network)s (versjon %(number)d)."
        ) % {
            "source": entry.source_municipality.name,
            "network": entry.network.name,
            "number": latest.number,
        }
        routine = create_routine(tenant, user, data)
        routine.library_entry_id = entry.pk
        routine.library_version = latest.number
        routine.source_municipality = entry.source_municipality.name
        routine.unit_mapping = {name: mapping[name].pk for name in _names_in(content)
                                if name in mapping}  # fmt: skip
        try:
            with transaction.atomic():
                routine.save(
                    update_fields=[
                        "library_entry_id",
                        "library_version",
                        "source_municipality",
                        "unit_mapping",
                    ]
                )
        except IntegrityError:
            raise ValidationError(
                {"entry": [_("Kommunen har allerede hentet denne rutinen fra biblioteket.")]}
            ) from None
        return routine


# Changes published since (the adopter's host) -----------------------------------------------


@dataclass
class LibraryChanges:
    """What the library has that the adopter has not taken: the field diffs between the
    version taken and the latest, and the unit names there the adopter has not mapped."""

    entry: LibraryRoutine | None = None
    taken_version: int | None = None
    latest_version: int | None = None
    changes: list[FieldDiff] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return bool(self.entry and self.latest_version != self.taken_version)


def _entry_of(tenant: Municipality, routine: Routine) -> LibraryRoutine | None:
    """The entry the routine came from, if it is in a network the municipality is in now."""
    if routine.library_entry_id is None:
        return None
    networks = NetworkMembership.objects.current().filter(municipality=tenant)
    return (
        LibraryRoutine.objects.select_related("network", "source_municipality")
        .filter(pk=routine.library_entry_id, network_id__in=networks.values("network_id"))
        .first()
    )


def pending_library_changes(tenant: Municipality, routine: Routine) -> LibraryChanges:
    """The diff between the library version the routine took and the latest (empty when
    the routine did not come from a library, or has taken the latest)."""
    entry = _entry_of(tenant, routine)
    if entry is None:
        return LibraryChanges()
    taken = routine.library_version
    found = {v.number: v for v in entry.versions.filter(number__in=[taken, entry.latest_version])}
    result = LibraryChanges(entry=entry, taken_version=taken, latest_version=entry.latest_version)
    before, after = found.get(taken or 0), found.get(entry.latest_version)
    if after is None or taken == entry.latest_version:
        return result
    result.changes = diff(before.content if before is not None else {}, after.content)
    changed = tuple(name for name in UNIT_FIELDS if any(c.field == name for c in result.changes))
    mapped = routine.unit_mapping or {}
    result.unmapped = [name for name in _names_in(after.content, changed) if name not in mapped]
    return result


def take_library_changes(
    tenant: Municipality,
    user: AbstractBaseUser,
    routine: Routine,
    *,
    version: int | None,
    library_version: int | None,
    unit_mapping: Any = None,
    change_note: str = "",
) -> Routine:
    """Write what the source changed since the version taken into the routine's draft.

    Only the fields that differ between the taken and the latest library version are
    written; unit names new in them need a mapping in `unit_mapping`. `library_version`
    is the latest version the caller saw (StaleLibraryVersion, 409, if the source has
    published since); `version` is the routine's. The draft waits for the municipality's
    own approval.
    """
    require_writer(tenant, user)
    with transaction.atomic():
        locked = Routine.objects.select_for_update().get(pk=routine.pk)
        pending = pending_library_changes(tenant, locked)
        if pending.entry is None:
            raise ValidationError(
                {
                    "__all__": [
                        _(
                            "Rutinen er ikke hentet fra biblioteket til et nettverk "
                            "kommunen er medlem av."
                        )
                    ]
                }
            )
        latest = pending.latest_version
        assert latest is not None
        if library_version is not None and library_version != latest:
            raise StaleLibraryVersion(locked, latest)
        if not pending.pending:
            raise ValidationError({"__all__": [_("Det er ingen nye endringer å ta inn.")]})
        after = pending.entry.versions.get(number=latest).content
        errors: Errors = {}
        stored = Unit.objects.in_bulk(
            {pk for pk in (locked.unit_mapping or {}).values() if isinstance(pk, int)}
        )
        mapping = {
            name: stored[pk]
            for name, pk in (locked.unit_mapping or {}).items()
            if isinstance(pk, int) and pk in stored
        }
        mapping.update(_read_mapping(unit_mapping, errors))
        fields = {change.field for change in pending.changes}
        needed = _names_in(after, tuple(name for name in UNIT_FIELDS if name in fields))
        _require_mapped(needed, mapping, errors)
        raise_if(errors)
        data = _routine_data(after, mapping, fields)
        if data:
            data["change_note"] = (change_note or "").strip() or _(
                "Endringer fra %(source)s tatt inn fra biblioteket (versjon %(number)d)."
            ) % {"source": pending.entry.source_municipality.name, "number": latest}
        saved = update_routine(tenant, user, locked, data, version=version)
        saved.library_version = latest
        saved.unit_mapping = {
            **(locked.unit_mapping or {}),
            **{name: mapping[name].pk for name in _names_in(after) if name in mapping},
        }
        saved.save(update_fields=["library_version", "unit_mapping"])
        return saved
