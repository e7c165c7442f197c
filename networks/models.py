"""Learning networks, their member municipalities, competence bases and the progress roll-up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from tenants.models import Municipality


class Organiser(models.TextChoices):
    KS = "ks", _("KS")
    COUNTY_GOVERNOR = "county_governor", _("Statsforvalteren")
    BOTH = "both", _("KS og Statsforvalteren")


class Sharing(models.TextChoices):
    """What a municipality lets one network see; its leader chooses, per network."""

    FIGURES = "figures", _("Bare statustall")
    PLANS = "plans", _("Statustall og planene (kun lesing)")


class LearningNetwork(models.Model):
    """A series of gatherings for a set of municipalities on one theme."""

    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kortnavn"), max_length=63, unique=True)
    organiser = models.CharField(_("arrangør"), max_length=20, choices=Organiser.choices)
    theme = models.CharField(_("tema"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("slutt"), null=True, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    # Members' users see each other's names and figures in the comparison. Set by the
    # coordinator only when every current member has consented (`OpenComparisonConsent`);
    # a withdrawn consent or a new member turns it off again (`networks.services`).
    open_comparison = models.BooleanField(_("åpen sammenligning"), default=False)
    # Every membership row, also those that have ended: current members are
    # `memberships.current()` (or `NetworkMembership.objects.current()`).
    municipalities: models.ManyToManyField[Municipality, NetworkMembership] = (
        models.ManyToManyField(
            "tenants.Municipality",
            through="NetworkMembership",
            related_name="networks",
            blank=True,
        )
    )

    class Meta:
        verbose_name = _("læringsnettverk")
        verbose_name_plural = _("læringsnettverk")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="networks_network_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NetworkMembershipQuerySet(models.QuerySet["NetworkMembership"]):
    def current(self) -> NetworkMembershipQuerySet:
        """Memberships that have not ended, of municipalities still in service."""
        return self.filter(left_on__isnull=True, municipality__deleted_at__isnull=True)


class NetworkMembership(models.Model):
    """A municipality's membership of a network: since when, until when, what it shares."""

    network = models.ForeignKey(
        LearningNetwork, on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="network_memberships"
    )
    joined_on = models.DateField(_("med fra"), default=timezone.localdate)
    left_on = models.DateField(_("gikk ut"), null=True, blank=True)
    sharing = models.CharField(
        _("deler"), max_length=20, choices=Sharing.choices, default=Sharing.FIGURES
    )

    objects = NetworkMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("nettverksmedlemskap")
        verbose_name_plural = _("nettverksmedlemskap")
        ordering = ["network", "municipality__name", "id"]
        constraints = [
            # Once at a time: a municipality that left and joins again gets a new row.
            models.UniqueConstraint(
                fields=["network", "municipality"],
                condition=Q(left_on__isnull=True),
                name="networks_one_current_membership",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="networks_membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} i {self.network}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class OpenComparisonConsentQuerySet(models.QuerySet["OpenComparisonConsent"]):
    def standing(self) -> OpenComparisonConsentQuerySet:
        """Consents that have not been withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class OpenComparisonConsent(models.Model):
    """A municipality's consent, given by its leader, to open comparison in one network.

    Tied to the membership row, so a municipality that leaves and joins again consents
    again. Withdrawing keeps the row (who and when) for the record.
    """

    membership = models.ForeignKey(
        NetworkMembership, on_delete=models.CASCADE, related_name="open_comparison_consents"
    )
    given_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("gitt av")
    )
    given_at = models.DateTimeField(_("gitt"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("trukket av"),
    )
    withdrawn_at = models.DateTimeField(_("trukket"), null=True, blank=True)

    objects = OpenComparisonConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("samtykke til åpen sammenligning")
        verbose_name_plural = _("samtykker til åpen sammenligning")
        ordering = ["membership", "-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(withdrawn_at__isnull=True),
                name="networks_one_standing_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.given_at:%Y-%m-%d}"


class CompetenceBase(models.Model):
    """A regional cluster of municipalities pooling expertise."""

    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kortnavn"), max_length=63, unique=True)
    municipalities = models.ManyToManyField(
        "tenants.Municipality", related_name="competence_bases", blank=True
    )

    class Meta:
        verbose_name = _("kompetansebase")
        verbose_name_plural = _("kompetansebaser")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgressSnapshot(models.Model):
    """One municipality's progress figures on one day (`networks.figures` declares them).

    Written by `networks.rollup` from inside the municipality's schema, at most once per
    municipality and day (a later refresh the same day replaces the figures), so that the
    rows over time are the trend. Pages and the API read these rows, never the schemas.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="progress_snapshots"
    )
    date = models.DateField(_("dato"))
    figures: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(
        _("tall"), default=dict
    )
    computed_at = models.DateTimeField(_("beregnet"), default=timezone.now)

    class Meta:
        verbose_name = _("fremdriftstall")
        verbose_name_plural = _("fremdriftstall")
        ordering = ["municipality", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "date"], name="networks_one_snapshot_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.date:%Y-%m-%d}"


def municipalities_with_latest_rollup() -> models.QuerySet[Municipality]:
    """Municipalities in service, each annotated `latest_rollup`: when its latest roll-up
    row was computed (None without any). One query; the latest row is found through the
    (municipality, date) unique index, one probe each, however many years of rows there
    are (a refresh rewrites the day's row, so the latest day's row is the latest computed).
    Read by the doctor and the metrics."""
    from tenants.models import Municipality

    latest = ProgressSnapshot.objects.filter(municipality=models.OuterRef("pk")).order_by("-date")
    found: models.QuerySet[Municipality] = Municipality.objects.live().annotate(
        latest_rollup=models.Subquery(latest.values("computed_at")[:1])
    )
    return found
