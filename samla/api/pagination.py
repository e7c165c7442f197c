"""Paging of list endpoints: the body stays a plain array, the pages are in the headers.

`?page=2&page_size=50`; the answer carries `X-Total-Count` and an RFC 8288 `Link` header
with `first`, `prev`, `next` and `last` (as GitHub's and GitLab's APIs do). The default
page is as large as the most rows a plan part may have, so a client that does not page
still reads a whole part, and no request reads more than one page.

One more row than the page is read, so the last (or only) page knows the total without a
COUNT query: a list that fits one page costs what it cost before paging.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

PAGE_SIZE = 500
MAX_PAGE = 1_000_000  # far past any list, and keeps OFFSET inside PostgreSQL's bigint

PAGE_HEADERS = {
    "X-Total-Count": {
        "schema": {"type": "integer"},
        "description": "Antall rader i alt, på alle sider.",
    },
    "Link": {
        "schema": {"type": "string"},
        "description": "RFC 8288-lenker til første, forrige, neste og siste side.",
    },
}


def _positive_int(value: str | None, default: int) -> int | None:
    """The parameter as a positive integer, the default when absent, None when invalid."""
    if value in (None, ""):
        return default
    try:
        number = int(value)  # type: ignore[arg-type]
    except ValueError:
        return None
    return number if number >= 1 else None


class LinkHeaderPagination(BasePagination):
    page_size = PAGE_SIZE
    max_page_size = PAGE_SIZE
    page_query_param = "page"
    page_size_query_param = "page_size"

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        number = _positive_int(request.query_params.get(self.page_query_param), 1)
        size = _positive_int(request.query_params.get(self.page_size_query_param), self.page_size)
        errors: dict[str, list[str]] = {}
        if number is None or number > MAX_PAGE:
            errors[self.page_query_param] = [str(_("Sidenummeret må være et positivt heltall."))]
        if size is None or size > self.max_page_size:
            errors[self.page_size_query_param] = [
                str(_("Sidestørrelsen må være et heltall fra 1 til %(max)d."))
                % {"max": self.max_page_size}
            ]
        if errors:
            raise ValidationError(errors)
        assert number is not None and size is not None
        offset = (number - 1) * size
        rows = list(queryset[offset : offset + size + 1])
        has_next = len(rows) > size
        rows = rows[:size]
        if number > 1 and not rows:
            raise NotFound(_("Siden finnes ikke."))
        if has_next:
            total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        else:
            total = offset + len(rows)
        self.number, self.size, self.total = number, size, total
        self.last = max(1, -(-total // size))
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        links = []
        if self.number > 1:
            links += [(self._page_url(1), "first"), (self._page_url(self.number - 1), "prev")]
        if self.number < self.last:
            links += [
                (self._page_url(self.number + 1), "next"),
                (self._page_url(self.last), "last"),
            ]
        headers = {"X-Total-Count": str(self.total)}
        if links:
            headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links)
        return Response(data, headers=headers)

    def _page_url(self, number: int) -> str:
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, number)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return schema

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Sidenummer, fra 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rader per side, 1–{self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
