"""The CMS's models: images and documents, page types, snippets (all in the public schema)."""

from cms.models.media import SamlaDocument, SamlaImage, SamlaRendition
from cms.models.pages import (
    ConsultancyPage,
    ContentPage,
    GatheringProgrammePage,
    HomePage,
    NetworkPage,
    NewsIndexPage,
    NewsPage,
    ToolIndexPage,
    ToolPage,
)
from cms.models.roles import RoleGroup, RoleGroupKind
from cms.models.snippets import CollaborationMethod

__all__ = [
    "CollaborationMethod",
    "ConsultancyPage",
    "ContentPage",
    "GatheringProgrammePage",
    "HomePage",
    "NetworkPage",
    "NewsIndexPage",
    "NewsPage",
    "RoleGroup",
    "RoleGroupKind",
    "SamlaDocument",
    "SamlaImage",
    "SamlaRendition",
    "ToolIndexPage",
    "ToolPage",
]
