"""The right to erasure: a person's account emptied of personal data, its row kept.

A user's id is written in municipal schemas (the plans' history, routine approvals, body
members; plain integers, as users live in the public schema) and in audit rows of the
public schema (order and invoice events, consents, indicator values). Deleting the row
would either fail on those references or silently cut the audit trail, so a user is never
deleted: `erase_user` deactivates the account and removes what identifies the person
(name, e-mail, username replaced by `slettet-<id>`, password unusable, sessions, API and
Wagtail tokens, failed-login records, the Wagtail profile), removes its roles and ends its
municipal memberships. The history keeps the name the person had when they wrote (the
municipal schemas snapshot it at write time), and `User.delete()` comes here.
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samla.accounts.models import (
    ConsultancyMembership,
    CoordinatorRole,
    IntegrationToken,
    MunicipalityMembership,
    PlatformOperator,
    User,
)

logger = logging.getLogger(__name__)

PLACEHOLDER_PREFIX = "slettet-"


def placeholder_username(user: AbstractBaseUser) -> str:
    """The neutral name an erased account keeps: `slettet-<id>` (unique, says nothing)."""
    return f"{PLACEHOLDER_PREFIX}{user.pk}"


def is_erased(user: User) -> bool:
    return str(user.username) == placeholder_username(user) and not user.is_active


def _sessions_of(user: User) -> list[str]:
    """The keys of the stored sessions logged in as `user` (decoded: the id is inside)."""
    keys: list[str] = []
    wanted = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        if str(session.get_decoded().get("_auth_user_id")) == wanted:
            keys.append(session.session_key)
    return keys


def _remove_tokens(user: User) -> None:
    from knox.models import AuthToken
    from wagtail.models.api import APIToken

    AuthToken.objects.filter(user=user).delete()
    APIToken.objects.filter(user=user).delete()


def _remove_login_records(username: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessAttempt.objects.filter(username=username).delete()
    AccessFailureLog.objects.filter(username=username).delete()
    AccessLog.objects.filter(username=username).delete()


def _remove_wagtail_profile(user: User) -> None:
    from wagtail.users.models import UserProfile

    UserProfile.objects.filter(user=user).delete()


def erase_user(
    user: User, *, actor: User | None = None, today: datetime.date | None = None
) -> User:
    """Erase the person behind `user` (idempotent); return the emptied account.

    One transaction: either every trace above is gone, or nothing changed.
    """
    today = today or timezone.localdate()
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("Du kan ikke slette din egen konto her."))
    with transaction.atomic():
        found = User.objects.select_for_update().get(pk=user.pk)
        old_username = str(found.username)
        sessions = _sessions_of(found)
        Session.objects.filter(session_key__in=sessions).delete()
        _remove_tokens(found)
        _remove_login_records(old_username)
        _remove_wagtail_profile(found)
        CoordinatorRole.objects.filter(user=found).delete()
        ConsultancyMembership.objects.filter(user=found).delete()
        PlatformOperator.objects.filter(user=found).delete()
        yesterday = today - datetime.timedelta(days=1)
        MunicipalityMembership.objects.filter(user=found).active(today).update(
            valid_until=yesterday
        )
        IntegrationToken.objects.filter(service_user=found, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        found.groups.clear()
        found.user_permissions.clear()
        found.username = placeholder_username(found)
        found.first_name = ""
        found.last_name = ""
        found.email = ""
        found.set_unusable_password()
        found.is_active = False
        found.is_staff = False
        found.is_superuser = False
        found.last_login = None
        found.save()
    logger.info(
        "User erased",
        extra={"erased_user_id": found.pk, "actor": actor.pk if actor else None},
    )
    for name in ("username", "first_name", "last_name", "email", "password", "is_active"):
        setattr(user, name, getattr(found, name))
    return found
