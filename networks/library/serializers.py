"""How the routine library reads in the API, on the public host and a municipality's host."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from networks.library.models import LibraryRoutine, LibraryRoutineVersion

CONTENT_HELP = _(
    "Versjonens innhold med enhetene ved navn: title, kind, purpose, level, bti_levels, "
    "owner_unit, units, methods, internal_control_area, review_interval_months, steps"
)


class LibraryVersionSerializer(serializers.ModelSerializer[LibraryRoutineVersion]):
    content = serializers.JSONField(help_text=CONTENT_HELP)

    class Meta:
        model = LibraryRoutineVersion
        fields = ["number", "source_version", "approved_on", "published_at", "content"]
        read_only_fields = fields


class LibraryRoutineSerializer(serializers.ModelSerializer[LibraryRoutine]):
    """An entry of the library: whose routine, in which network, and its latest version."""

    network = serializers.IntegerField(source="network_id", read_only=True)
    network_name = serializers.CharField(source="network.name", read_only=True)
    source_municipality = serializers.IntegerField(source="source_municipality_id", read_only=True)
    source_municipality_name = serializers.CharField(
        source="source_municipality.name", read_only=True
    )

    class Meta:
        model = LibraryRoutine
        fields = [
            "id",
            "network",
            "network_name",
            "source_municipality",
            "source_municipality_name",
            "title",
            "latest_version",
            "shared_at",
        ]
        read_only_fields = fields


class LibraryRoutineDetailSerializer(LibraryRoutineSerializer):
    """An entry with every version the library has published, newest first."""

    versions = LibraryVersionSerializer(many=True, read_only=True)

    class Meta(LibraryRoutineSerializer.Meta):
        fields = [*LibraryRoutineSerializer.Meta.fields, "versions"]
        read_only_fields = fields


class SharedEntrySerializer(LibraryRoutineSerializer):
    """A library entry as its source sees it (withdrawn_at set once taken out)."""

    class Meta(LibraryRoutineSerializer.Meta):
        fields = [*LibraryRoutineSerializer.Meta.fields, "withdrawn_at"]
        read_only_fields = fields


def entry_json(entry: LibraryRoutine | None) -> dict[str, Any] | None:
    return None if entry is None else dict(LibraryRoutineSerializer(entry).data)
