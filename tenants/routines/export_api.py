"""The routine handbook as a download: GET /api/routines/handbook.docx and handbook.pdf.

Thin views: every member role may read (the access layer answers 404 to anyone who is not
a member and 401 to anonymous callers), the documents package reads and lays out the
handbook, and the plans' renderers and download helpers turn it into an attachment named
"Rutinehandbok <kommune>". Rendering is costly, so the export throttle applies.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, ClassVar

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from samla.accounts.access import tenant_of
from samla.accounts.permissions import TenantAccess
from samla.api.downloads import attachment, renderer_for
from samla.api.throttling import ExportThrottle
from tenants.plans.documents import pdf, word
from tenants.plans.documents.types import Outline
from tenants.routines.documents import handbook_outline, load_handbook


def handbook_title(municipality_name: str) -> str:
    """The file's name without extension ("Rutinehandbok Nordre Land"); a slash in the
    municipality's name ("Unjárga/Nesseby") reads as a dash, as a file name cannot hold it."""
    return _("Rutinehandbok %(municipality)s") % {
        "municipality": municipality_name.replace("/", "-")
    }


class HandbookDocument(GenericAPIView[Any]):
    """GET every approved routine in force as one document."""

    # Membership is enough: the views only read (other methods are 405 for members).
    permission_classes = [TenantAccess]
    filter_backends = []
    throttle_classes = [ExportThrottle]
    serializer_class = serializers.Serializer  # no body; keeps the schema generator quiet
    content_type: ClassVar[str]
    extension: ClassVar[str]
    render: ClassVar[staticmethod[[Outline], bytes]]

    def get_renderers(self) -> list[BaseRenderer]:
        return [JSONRenderer(), renderer_for(self.content_type, self.extension)()]

    def get(self, request: Request) -> HttpResponse:
        municipality = tenant_of(request)
        content = type(self).render(handbook_outline(load_handbook(municipality)))
        return attachment(
            content,
            self.content_type,
            handbook_title(municipality.name),
            self.extension,
            "rutinehandbok",
        )


def handbook_view(module: ModuleType, extension: str, summary: Promise) -> type[Any]:
    """The view of the handbook rendered by `module` (`word` or `pdf` of the plans'
    documents), which names its `CONTENT_TYPE` and `render_<extension>`."""
    view = type(
        f"Handbook{extension.title()}",
        (HandbookDocument,),
        {
            "__module__": __name__,
            "content_type": module.CONTENT_TYPE,
            "extension": extension,
            "render": staticmethod(getattr(module, f"render_{extension}")),
        },
    )
    schema = extend_schema(
        summary=summary,
        operation_id=f"routines_handbook_{extension}",
        request=None,
        responses={
            (200, module.CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description=gettext_lazy("Dokumentet som vedlegg.")
            )
        },
    )
    return extend_schema_view(get=schema)(view)


HandbookDocx = handbook_view(word, "docx", gettext_lazy("Rutinehandboka som Word-dokument"))
HandbookPdf = handbook_view(pdf, "pdf", gettext_lazy("Rutinehandboka som PDF"))
