"""Every part's own page opens, for a writer (with its form) and a reader (values only)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from tenants.db import connection
from tenants.plans import services
from tests.conftest import client_for, host_of
from tests.plans.conftest import inside

D = datetime.date


def one_of_each(plan, user) -> dict[str, int]:
    """A row of every part of the plan, through the services; the ids by URL segment."""
    goal = services.create_goal(
        connection.tenant, plan, user, {"level": "main", "text": "Hovedmål <i>x</i>"}
    )
    body = services.create_body(
        connection.tenant,
        plan,
        user,
        {"kind": "project", "name": "Prosjektgruppe B", "members": [{"name": "Kari"}]},
    )
    series = services.create_meeting_series(
        connection.tenant, plan, user, {"name": "Møter", "body": body.pk}
    )
    risk = plan.risks.first()
    return {
        "faser": services.create_phase(
            connection.tenant, plan, user, {"name": "Fase 1", "is_current": True}
        ).pk,
        "maal": goal.pk,
        "tiltak": services.create_measure(
            connection.tenant, plan, user, {"text": "Tiltak", "goals": [goal.pk]}
        ).pk,
        "milepaeler": plan.milestones.first().pk,
        "beslutningspunkter": plan.decision_points.first().pk,
        "hovedaktiviteter": plan.activities.first().pk,
        "risikoer": risk.pk,
        "suksessfaktorer": services.create_success_factor(
            connection.tenant,
            plan,
            user,
            {"text": "KSF", "sub_points": ["a", "b"], "risks": [risk.pk]},
        ).pk,
        "budsjett": services.create_budget_line(
            connection.tenant,
            plan,
            user,
            {"kind": "funding", "label": "Tilskudd", "amount": Decimal("10")},
        ).pk,
        "organisering": body.pk,
        "moteplan": series.pk,
        "moter": services.create_meeting(
            connection.tenant,
            plan,
            user,
            {
                "title": "Møte",
                "held_on": D(2018, 1, 1),
                "series": series.pk,
                "actions": [{"text": "Gjøre", "owner": "PL", "due": "2018-02-01"}],
            },
        ).pk,
        "rapporter": services.create_status_report(
            connection.tenant, plan, user, {"date": D(2018, 1, 1)}
        ).pk,
    }


def test_every_detail_page_opens_with_its_form_for_a_writer(plan_a, nordre_land, leader_a):
    with inside(nordre_land):
        ids = one_of_each(plan_a, leader_a)
    client = client_for(host_of(nordre_land), leader_a)
    for slug, pk in ids.items():
        response = client.get(f"/planer/{plan_a.pk}/{slug}/{pk}/")
        assert response.status_code == 200, slug
        html = response.content.decode()
        assert 'name="version"' in html and 'value="delete"' in html, slug
    # the body's members are in its form, one per line
    html = client.get(f"/planer/{plan_a.pk}/organisering/{ids['organisering']}/").content.decode()
    assert ">\nKari</textarea>" in html
    # and the meeting's actions too
    html = client.get(f"/planer/{plan_a.pk}/moter/{ids['moter']}/").content.decode()
    assert ">\nGjøre | PL | 2018-02-01</textarea>" in html


def test_every_detail_page_shows_values_to_a_reader(plan_a, nordre_land, leader_a, viewer_a):
    with inside(nordre_land):
        ids = one_of_each(plan_a, leader_a)
    client = client_for(host_of(nordre_land), viewer_a)
    for slug, pk in ids.items():
        response = client.get(f"/planer/{plan_a.pk}/{slug}/{pk}/")
        assert response.status_code == 200, slug
        html = response.content.decode()
        assert "<form method" not in html.split('id="main"')[1].split("</main>")[0], slug
    html = client.get(f"/planer/{plan_a.pk}/maal/{ids['maal']}/").content.decode()
    assert "Hovedmål &lt;i&gt;x&lt;/i&gt;" in html
