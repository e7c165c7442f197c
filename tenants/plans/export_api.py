"""Downloads of a plan for the steering group: .docx, .pdf, .xlsx, .ics and report PDFs.

Thin views: the plan is resolved through `access` like every plans endpoint (another
municipality's or a guessed id is 404), every member role may read, and the documents
package does the work. Responses are attachments with an ASCII and a UTF-8 file name.
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
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from samla.api.downloads import attachment, renderer_for
from samla.api.errors import ERROR_REF, Refused
from samla.api.throttling import ExportThrottle
from tenants.plans import access
from tenants.plans.api import PlanScoped
from tenants.plans.documents import ical, pdf, spreadsheet, word
from tenants.plans.documents.outline import Outline, load_plan, plan_outline, report_outline


def _schema(content_type: str, summary: Any, operation_id: str, report: bool = False) -> Any:
    responses: dict[Any, Any] = {
        (200, content_type.split(";")[0]): OpenApiResponse(
            OpenApiTypes.BINARY, description=gettext_lazy("Dokumentet som vedlegg.")
        ),
    }
    if report:
        responses[400] = OpenApiResponse(
            ERROR_REF, description=gettext_lazy("Rapporten er ikke sendt inn.")
        )
    return extend_schema(
        summary=summary, operation_id=operation_id, request=None, responses=responses
    )


class PlanDocument(PlanScoped[Any]):
    """GET the whole plan rendered as one kind of document."""

    content_type: ClassVar[str]
    extension: ClassVar[str]
    render: ClassVar[staticmethod[[Outline], bytes]]
    serializer_class = serializers.Serializer  # no body; keeps the schema generator quiet
    throttle_classes = [ExportThrottle]

    def get_renderers(self) -> list[BaseRenderer]:
        return [JSONRenderer(), renderer_for(self.content_type, self.extension)()]

    def get(self, request: Request, plan_id: int) -> HttpResponse:
        outline = plan_outline(load_plan(self.plan))
        content = type(self).render(outline)
        return attachment(
            content, self.content_type, self.plan.title, self.extension, "prosjektplan"
        )


def document_view(path: str, module: ModuleType, name: str, summary: Promise) -> type[Any]:
    """The view of one of the plan's documents: `module` (one of `documents`) renders it
    with its `render_<extension>` and names its `CONTENT_TYPE`."""
    extension = path.rsplit(".", 1)[1]
    view = type(
        f"Plan{extension.title()}",
        (PlanDocument,),
        {
            "__module__": __name__,
            "content_type": module.CONTENT_TYPE,
            "extension": extension,
            "render": staticmethod(getattr(module, f"render_{extension}")),
        },
    )
    return extend_schema_view(get=_schema(module.CONTENT_TYPE, summary, f"plans_{name}"))(view)


# The plan's documents by path under `/api/plans/{id}/`: the module that renders each,
# its name (`plans:plan-<name>` with dashes, the schema's `plans_<name>`) and summary.
PLAN_DOCUMENTS: dict[str, tuple[ModuleType, str, Promise]] = {
    "export.docx": (word, "export_docx", gettext_lazy("Prosjektplanen som Word-dokument")),
    "export.pdf": (pdf, "export_pdf", gettext_lazy("Prosjektplanen som PDF")),
    "export.xlsx": (spreadsheet, "export_xlsx", gettext_lazy("Planens deler som Excel-ark")),
    "calendar.ics": (
        ical,
        "calendar",
        gettext_lazy("Milepæler og beslutningspunkter som kalender"),
    ),
}
DOCUMENT_VIEWS = {
    path: (name, document_view(path, module, name, summary))
    for path, (module, name, summary) in PLAN_DOCUMENTS.items()
}


class StatusReportPdf(PlanScoped[Any]):
    """GET a submitted status report as PDF, from the snapshot frozen when it was sent."""

    serializer_class = serializers.Serializer
    throttle_classes = [ExportThrottle]

    def get_renderers(self) -> list[BaseRenderer]:
        return [JSONRenderer(), renderer_for(pdf.CONTENT_TYPE, "pdf")()]

    @_schema(
        pdf.CONTENT_TYPE,
        gettext_lazy("En innsendt rapport som PDF"),
        "plans_status_report_pdf",
        True,
    )
    def get(self, request: Request, plan_id: int, pk: int) -> HttpResponse | Response:
        report = access.get_part_for("status_report", self.plan, pk)
        if not report.is_submitted:
            raise Refused(
                _("Rapporten er ikke sendt inn ennå. Bare innsendte rapporter kan lastes ned.")
            )
        content = pdf.render_pdf(report_outline(report, self.plan))
        title = f"{report.get_kind_display()} {report.date:%Y-%m-%d} {self.plan.title}"
        return attachment(content, pdf.CONTENT_TYPE, title, "pdf", "prosjektplan")
