"""Integration tokens: a municipality's own systems calling its API without a person's login.

A leader creates a named token, read-only or read-write, that expires after a chosen
number of days (at most two years) and can be revoked at any time. Each token is backed
by a service account (`User.is_integration`, no usable password) with one membership,
in the token's municipality: editor for read-write, viewer for read-only. The access
layer, the role checks and the history ("who changed it": the token's name) therefore
treat the integration like any member, and it is scoped to its municipality by
construction: on another municipality's host it gets the same 404 as any non-member.

Secrets look like `samla_int_<43 URL-safe characters>` (32 random bytes), so secret
scanners can recognise a leaked one and `IntegrationTokenAuthentication` can tell them
from knox's login tokens. Only the SHA-256 digest is stored (a hash that is slow on
purpose adds nothing for a secret of 256 random bits); the secret is shown once, when
the token is created. On the public host an integration token is refused (401): it
belongs to one municipality's host, and the public host's endpoints serve people.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from samla.accounts.access import active_membership, is_public
from samla.accounts.models import (
    IntegrationToken,
    MunicipalityMembership,
    MunicipalityRole,
    User,
)
from samla.formats import format_date
from samla.textrules import CONTROL_MESSAGE, contains_control_characters
from tenants.models import Municipality

SECRET_PREFIX = "samla_int_"  # noqa: S105 - a marker, not a secret
SECRET_BYTES = 32
# Characters of the secret kept in clear to tell tokens apart in lists (GitHub-style).
SHOWN_CHARACTERS = len(SECRET_PREFIX) + 6
# Longer than any secret we issue: anything longer is refused without hashing.
MAX_SECRET_LENGTH = 128
NAME_MAX_LENGTH = 100
MAX_EXPIRY_DAYS = 730
EXPIRY_CHOICES_DAYS = (30, 90, 180, 365, 730)
DEFAULT_EXPIRY_DAYS = 90
# Usable (unrevoked, unexpired) tokens a municipality may hold at once.
MAX_USABLE_TOKENS = 25
# `last_used_at` is rewritten at most this often per token, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)

LEADER_ONLY_MESSAGE = gettext_lazy("Bare prosjektlederen kan administrere integrasjonsnøkler.")


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def is_leader_of(user: AbstractBaseUser | AnonymousUser, municipality: Municipality) -> bool:
    """Whether the user is a person leading the municipality (never an integration)."""
    if getattr(user, "is_integration", False):
        return False
    membership = active_membership(user, municipality)
    return membership is not None and membership.role == MunicipalityRole.LEADER


def _require_leader(user: AbstractBaseUser | AnonymousUser, municipality: Municipality) -> None:
    if not is_leader_of(user, municipality):
        raise PermissionDenied(LEADER_ONLY_MESSAGE)


# Queries --------------------------------------------------------------------------------


def integration_tokens_for(
    municipality: Municipality, acting_user: AbstractBaseUser | AnonymousUser
) -> QuerySet[IntegrationToken]:
    """The municipality's tokens, unrevoked first, newest first (revoked ones stay listed)."""
    _require_leader(acting_user, municipality)
    return (
        IntegrationToken.objects.filter(municipality=municipality)
        .select_related("created_by", "revoked_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def get_integration_token_for(
    municipality: Municipality, acting_user: AbstractBaseUser | AnonymousUser, pk: Any
) -> IntegrationToken:
    """One of the municipality's tokens, or 404 (also for another municipality's id)."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    token = integration_tokens_for(municipality, acting_user).filter(pk=number).first()
    if token is None:
        raise Http404
    return token


# Changes --------------------------------------------------------------------------------


def _clean_name(municipality: Municipality, name: Any, errors: dict[str, list[str]]) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        errors["name"] = [_("Gi nøkkelen et navn, for eksempel systemet som skal bruke den.")]
    elif len(text) > NAME_MAX_LENGTH:
        errors["name"] = [
            _("Navnet kan ha høyst %(max)d tegn (det har %(length)d).")
            % {"max": NAME_MAX_LENGTH, "length": len(text)}
        ]
    elif contains_control_characters(text):
        errors["name"] = [str(CONTROL_MESSAGE)]
    elif (
        IntegrationToken.objects.unrevoked()
        .filter(municipality=municipality, name__iexact=text)
        .exists()
    ):
        errors["name"] = [
            _(
                "Kommunen har allerede en nøkkel med dette navnet. Velg et annet navn, "
                "eller trekk tilbake den gamle nøkkelen først."
            )
        ]
    return text


def _clean_expiry(days: Any, errors: dict[str, list[str]]) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXPIRY_DAYS:
        errors["expires_in_days"] = [
            _("Velg en varighet fra 1 til %(max)d dager.") % {"max": MAX_EXPIRY_DAYS}
        ]
        return 0
    return int(days)


def create_integration_token(
    municipality: Municipality,
    acting_user: User,
    name: str,
    can_write: bool,
    expires_in_days: int,
) -> tuple[IntegrationToken, str]:
    """Create a token and its service account; return the token and its secret (shown once)."""
    if is_public(municipality):
        raise PermissionDenied(LEADER_ONLY_MESSAGE)
    _require_leader(acting_user, municipality)
    with transaction.atomic():
        # One creation at a time per municipality, so the name and count checks hold.
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        errors: dict[str, list[str]] = {}
        name = _clean_name(municipality, name, errors)
        days = _clean_expiry(expires_in_days, errors)
        usable = IntegrationToken.objects.usable().filter(municipality=municipality).count()
        if usable >= MAX_USABLE_TOKENS:
            errors.setdefault("__all__", []).append(
                _(
                    "Kommunen har allerede %(max)d aktive integrasjonsnøkler. "
                    "Trekk tilbake en som ikke brukes før du lager en ny."
                )
                % {"max": MAX_USABLE_TOKENS}
            )
        if errors:
            raise ValidationError(errors)

        now = timezone.now()
        expires_at = now + datetime.timedelta(days=days)
        secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
        user = User(
            username=f"integration.{municipality.slug}.{secrets.token_hex(6)}",
            first_name=name,
            is_integration=True,
        )
        user.set_unusable_password()
        user.save()
        MunicipalityMembership.objects.create(
            user=user,
            municipality=municipality,
            role=MunicipalityRole.EDITOR if can_write else MunicipalityRole.VIEWER,
            # The membership ends with the token too, should anything else ever let the
            # service account in.
            valid_until=timezone.localdate(expires_at),
        )
        token = IntegrationToken.objects.create(
            municipality=municipality,
            service_user=user,
            name=name,
            can_write=bool(can_write),
            token_prefix=secret[:SHOWN_CHARACTERS],
            digest=digest_of(secret),
            created_by=acting_user,
            created_at=now,
            expires_at=expires_at,
        )
    return token, secret


def revoke_integration_token(token: IntegrationToken, acting_user: User) -> IntegrationToken:
    """Revoke the token at once: its service account is deactivated, its membership ended.

    The municipality's leader may, and so may the integration itself (a system that finds
    its secret leaked can end it). Revoking a revoked token changes nothing. The token
    stays listed, as revoked.
    """
    if acting_user.pk != token.service_user_id:
        _require_leader(acting_user, token.municipality)
    with transaction.atomic():
        current = (
            IntegrationToken.objects.select_for_update(of=("self",))
            .select_related("created_by", "revoked_by", "municipality")
            .get(pk=token.pk)
        )
        if current.revoked_at is not None:
            return current
        current.revoked_at = timezone.now()
        current.revoked_by = acting_user
        current.save(update_fields=["revoked_at", "revoked_by"])
        User.objects.filter(pk=current.service_user_id).update(is_active=False)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        MunicipalityMembership.objects.filter(user_id=current.service_user_id).update(
            valid_until=yesterday
        )
    return current


def note_use(token: IntegrationToken, now: datetime.datetime | None = None) -> None:
    """Record that the token was used, at most once per LAST_USED_RESOLUTION.

    The condition is in the UPDATE too, so concurrent requests write it once.
    """
    now = now or timezone.now()
    cutoff = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > cutoff:
        return
    IntegrationToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff)
    ).update(last_used_at=now)
    token.last_used_at = now


# Authentication -------------------------------------------------------------------------

AUTH_KEYWORDS = (b"token", b"bearer")


class IntegrationTokenAuthentication(BaseAuthentication):
    """`Authorization: Token samla_int_…` (or `Bearer`): the token's service account.

    Anything without the prefix is left to the next class (knox). A prefixed token that
    is unknown, revoked, expired or used on the public host is refused with 401 and a
    Norwegian message; one used on another municipality's host authenticates, and the
    access layer answers 404 there as for any non-member.
    """

    def authenticate(self, request: Request) -> tuple[User, IntegrationToken] | None:
        parts = get_authorization_header(request).split()
        if len(parts) < 2 or parts[0].lower() not in AUTH_KEYWORDS:
            return None
        if not parts[1].startswith(SECRET_PREFIX.encode()):
            return None
        if len(parts) > 2 or len(parts[1]) > MAX_SECRET_LENGTH:
            raise AuthenticationFailed(_("Ugyldig integrasjonsnøkkel."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Ugyldig integrasjonsnøkkel.")) from None
        return self.authenticate_secret(request, secret)

    def authenticate_secret(self, request: Request, secret: str) -> tuple[User, IntegrationToken]:
        token = (
            IntegrationToken.objects.select_related("service_user")
            .filter(digest=digest_of(secret))
            .first()
        )
        if token is None:
            raise AuthenticationFailed(_("Ugyldig integrasjonsnøkkel."))
        if token.revoked_at is not None:
            raise AuthenticationFailed(
                _("Integrasjonsnøkkelen er trukket tilbake. Be prosjektlederen om en ny.")
            )
        now = timezone.now()
        if token.expires_at <= now:
            raise AuthenticationFailed(
                _("Integrasjonsnøkkelen utløp %(date)s. Be prosjektlederen om en ny.")
                % {"date": format_date(timezone.localdate(token.expires_at))}
            )
        if not token.service_user.is_active:
            raise AuthenticationFailed(_("Integrasjonsnøkkelen er ikke aktiv."))
        tenant = getattr(request, "tenant", None)
        if tenant is None or is_public(tenant):
            raise AuthenticationFailed(
                _("En integrasjonsnøkkel gjelder bare på adressen til kommunen den ble laget for.")
            )
        note_use(token, now)
        return token.service_user, token

    def authenticate_header(self, request: Request) -> str:
        # The same challenge as knox's, which shares the `Token` keyword.
        return "Token"
