"""The routines API on a municipality's host: units, routines, versions, approval,
reviews and unit adoption (being written; see tenants/routines/urls.py for the routes)."""

from __future__ import annotations

from typing import Any

from rest_framework.generics import GenericAPIView

from samla.accounts.permissions import HasRole


class RoutinesView(GenericAPIView[Any]):
    """Membership to read; the services decide who may write."""

    permission_classes = [HasRole]
    filter_backends = []


class UnitList(RoutinesView):
    pass


class UnitDetail(RoutinesView):
    pass


class RoutineList(RoutinesView):
    pass


class RoutinesDue(RoutinesView):
    pass


class RoutineDetail(RoutinesView):
    pass


class VersionList(RoutinesView):
    pass


class VersionDetail(RoutinesView):
    pass


class RoutineCompare(RoutinesView):
    pass


class RoutineApprove(RoutinesView):
    pass


class RoutineRetire(RoutinesView):
    pass


class ReviewList(RoutinesView):
    pass


class AdoptionList(RoutinesView):
    pass


class AdoptionDetail(RoutinesView):
    pass
