"""Which Wagtail group stands for which Samla role (kept in step by cms.services)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


class RoleGroupKind(models.TextChoices):
    OPERATORS = "operators", gettext_lazy("Drift")
    NETWORK = "network", gettext_lazy("Nettverk")
    CONSULTANCY = "consultancy", gettext_lazy("Konsulentselskap")


class RoleGroup(models.Model):
    """A Wagtail group owned by Samla: its members and permissions follow role rows.

    Its name may change with the network's; the row, not the name, says what it is for.
    A network or consultancy that is deleted leaves the row without it (SET_NULL), and
    the next full sync deletes the row and its group.
    """

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="samla_role")
    kind = models.CharField(max_length=20, choices=RoleGroupKind.choices)
    network = models.OneToOneField(
        "networks.LearningNetwork",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cms_group",
    )
    consultancy = models.OneToOneField(
        "billing.Consultancy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cms_group",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="samla_role",
    )
    # A network's readers: users of its current member municipalities and its
    # coordinators, the group of the view restriction on its members-only pages.
    readers = models.OneToOneField(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="samla_readers_of",
    )
    # "Submit for approval" on the role's pages goes to this workflow: one task, approved
    # by the role's own group (so coordinators approve each other's pages, no one else's).
    workflow = models.OneToOneField(
        "wagtailcore.Workflow",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="samla_role",
    )

    class Meta:
        verbose_name = gettext_lazy("rollegruppe")
        verbose_name_plural = gettext_lazy("rollegrupper")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="operators"),
                name="cms_one_operator_group",
            ),
        ]

    def __str__(self) -> str:
        return self.group.name
