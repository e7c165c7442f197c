"""Users are global (public schema); what they may do is given by role rows."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with one login for every municipality, network and consultancy.

    Or, with `is_integration`, the service account behind one integration token: it has
    no usable password and one membership, in the token's municipality.
    """

    is_integration = models.BooleanField(
        _("integrasjon"),
        default=False,
        help_text=_("Tjenestekonto for en integrasjonsnøkkel; kan ikke logge inn."),
    )

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Erase instead (samla/accounts/erasure.py): the row stays, as history in municipal
        schemas and audit rows refer to it; the person's data goes. Nothing is deleted."""
        from samla.accounts.erasure import erase_user

        erase_user(self)
        return 0, {}

    @property
    def display_name(self) -> str:
        if self.is_integration:
            # What the history shows as "who": the token's name, marked as a system.
            return str(_("%(name)s (integrasjon)") % {"name": self.first_name})
        return self.get_full_name() or self.username


class MunicipalityRole(models.TextChoices):
    LEADER = "leader", _("Prosjektleder")
    EDITOR = "editor", _("Redaktør")
    VIEWER = "viewer", _("Leser")
    CONSULTANT = "consultant", _("Konsulent")


class MembershipQuerySet(models.QuerySet["MunicipalityMembership"]):
    def active(self, on: datetime.date | None = None) -> MembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))


class MunicipalityMembership(models.Model):
    """A user's role in one municipality. A consultant's ends on a given date."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=MunicipalityRole.choices)
    valid_until = models.DateField(_("gyldig til"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("kommunemedlemskap")
        verbose_name_plural = _("kommunemedlemskap")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="one_membership_per_municipality"
            ),
            models.CheckConstraint(
                condition=~Q(role=MunicipalityRole.CONSULTANT) | Q(valid_until__isnull=False),
                name="consultant_membership_has_end_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"


class CoordinatorRole(models.Model):
    """A user coordinates one learning network or one competence base."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="coordinator_roles")
    network = models.ForeignKey(
        "networks.LearningNetwork",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coordinators",
    )
    competence_base = models.ForeignKey(
        "networks.CompetenceBase",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coordinators",
    )

    class Meta:
        verbose_name = _("koordinatorrolle")
        verbose_name_plural = _("koordinatorroller")
        constraints = [
            models.CheckConstraint(
                condition=(Q(network__isnull=False) & Q(competence_base__isnull=True))
                | (Q(network__isnull=True) & Q(competence_base__isnull=False)),
                name="coordinator_of_network_xor_competence_base",
            ),
            models.UniqueConstraint(
                fields=["user", "network"], name="one_coordinator_role_per_network"
            ),
            models.UniqueConstraint(
                fields=["user", "competence_base"],
                name="one_coordinator_role_per_competence_base",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.network or self.competence_base}"


class ConsultancyMembership(models.Model):
    """A user works for a consultancy."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consultancy_roles")
    consultancy = models.ForeignKey(
        "billing.Consultancy", on_delete=models.CASCADE, related_name="members"
    )

    class Meta:
        verbose_name = _("konsulentmedlemskap")
        verbose_name_plural = _("konsulentmedlemskap")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "consultancy"], name="one_membership_per_consultancy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.consultancy}"


class PlatformOperator(models.Model):
    """A user who runs the platform: creates municipalities, watches health.

    Operating the platform gives no access to a municipality's own data.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="operator_role")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("driftsoperatør")
        verbose_name_plural = _("driftsoperatører")

    def __str__(self) -> str:
        return str(self.user)


class IntegrationTokenQuerySet(models.QuerySet["IntegrationToken"]):
    def unrevoked(self) -> IntegrationTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def usable(self, at: datetime.datetime | None = None) -> IntegrationTokenQuerySet:
        return self.unrevoked().filter(expires_at__gt=at or timezone.now())


class IntegrationToken(models.Model):
    """A named API token of one municipality, for its own systems, not a person's login.

    Backed by a service account (`service_user`) that is a member of the municipality
    only, as editor (read-write) or viewer (read-only), so the access layer, the role
    checks and the history treat it like any member. Only a digest of the secret is kept;
    `samla.accounts.integrations` creates, checks, lists and revokes tokens.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.CASCADE,
        related_name="integration_tokens",
        verbose_name=_("kommune"),
    )
    service_user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="integration_token"
    )
    name = models.CharField(_("navn"), max_length=100)
    can_write = models.BooleanField(_("kan endre"), default=False)
    token_prefix = models.CharField(_("begynner med"), max_length=32)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("laget"), default=timezone.now)
    expires_at = models.DateTimeField(_("utløper"))
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("sist brukt"), null=True, blank=True)

    objects = IntegrationTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("integrasjonsnøkkel")
        verbose_name_plural = _("integrasjonsnøkler")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "municipality",
                condition=Q(revoked_at__isnull=True),
                name="one_unrevoked_token_name_per_municipality",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="integration_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        if self.is_revoked:
            return "revoked"
        return "expired" if self.is_expired else "active"

    @property
    def status_display(self) -> str:
        return str(TOKEN_STATUS_LABELS[self.status])

    @property
    def access_display(self) -> str:
        return str(_("Lese og endre") if self.can_write else _("Bare lese"))


TOKEN_STATUS_LABELS = {
    "active": _("Aktiv"),
    "expired": _("Utløpt"),
    "revoked": _("Trukket tilbake"),
}
