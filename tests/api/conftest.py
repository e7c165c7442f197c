"""The API tests use the plans tests' fixtures: seed plans in two municipalities."""

from tests.plans.conftest import editor_a, plan_a, plan_b, viewer_a  # noqa: F401
