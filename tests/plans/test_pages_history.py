"""The history page and each part's history: what changed, by whom, and restoring deletions.

Given Nordre Land's seed plan and its members; requests go to the municipality's host.
"""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.plans import services
from tenants.plans.models import Change, Milestone, Plan, Risk
from tests.plans.conftest import inside
from tests.plans.test_pages import page, text_of


def history_url(plan: Plan) -> str:
    return f"/planer/{plan.pk}/historikk/"


def deleted_risk(plan: Plan, user, municipality) -> tuple[int, Change]:
    with inside(municipality):
        risk = services.create_risk(
            municipality,
            plan,
            user,
            {"title": "Lav oppslutning", "likelihood": 2, "consequence": 4},
        )
        risk_id = risk.pk
        services.delete_risk(municipality, risk, user)
        return risk_id, Change.objects.get(object_type="risk", object_id=risk_id, action="delete")


def test_the_leader_sees_what_changed_and_restores_a_deleted_risk(
    plan_a: Plan, leader_a, nordre_land
) -> None:
    # Given a risk the leader deleted
    risk_id, deletion = deleted_risk(plan_a, leader_a, nordre_land)
    client = page(leader_a, nordre_land)

    # When the leader opens the history
    shown = client.get(history_url(plan_a))

    # Then the deletion is listed with a restore button, and the changes with who made them
    assert shown.status_code == 200
    text = text_of(shown)
    assert "Risiko «Lav oppslutning»" in text and "Gjenopprett" in text
    assert re.search(r"Slettet ?: Risiko «Lav oppslutning»", text)
    assert "leder.nordre-land" in text

    # When the leader restores it
    restored = client.post(history_url(plan_a), {"change": deletion.pk}, follow=True)

    # Then it is back, the page says so, and it is no longer offered for restoring
    assert restored.status_code == 200
    assert "«Lav oppslutning» er gjenopprettet." in text_of(restored)
    assert re.search(r"Gjenopprettet ?: Risiko «Lav oppslutning»", text_of(restored))
    with inside(nordre_land):
        assert Risk.objects.get(pk=risk_id).score == 8
    # and restoring it again is refused with a message, writing nothing
    again = client.post(history_url(plan_a), {"change": deletion.pk})
    assert again.status_code == 400
    assert "Fant ingen slettet del" in text_of(again)
    with inside(nordre_land):
        assert Risk.objects.filter(pk=risk_id).count() == 1


def test_a_parts_page_shows_its_own_history(plan_a: Plan, leader_a, nordre_land) -> None:
    # Given MP1 whose title the leader changed
    with inside(nordre_land):
        mp1 = Milestone.objects.get(plan=plan_a, code="MP1")
        services.update_milestone(
            nordre_land, mp1, leader_a, {"title": "Prosjektplan vedtatt"}, version=1
        )

    # When its page is opened
    shown = page(leader_a, nordre_land).get(f"/planer/{plan_a.pk}/milepaeler/{mp1.pk}/")

    # Then its history shows the title before and after, and links to the full history
    text = text_of(shown)
    assert "Historikk" in text
    assert "Prosjektplan utarbeidd" in text and "Prosjektplan vedtatt" in text
    assert f"historikk/?type=milestone&amp;object={mp1.pk}" in shown.content.decode()
    # and the filtered history page shows that object only
    filtered = text_of(
        page(leader_a, nordre_land).get(
            history_url(plan_a), {"type": "milestone", "object": mp1.pk}
        )
    )
    assert "Endringer av dette objektet" in filtered
    assert "MP2" not in filtered


def test_a_viewer_reads_the_history_but_cannot_restore(
    plan_a: Plan, leader_a, viewer_a, nordre_land
) -> None:
    risk_id, deletion = deleted_risk(plan_a, leader_a, nordre_land)
    client = page(viewer_a, nordre_land)
    shown = client.get(history_url(plan_a))
    assert shown.status_code == 200 and "Gjenopprett" not in text_of(shown)
    assert client.post(history_url(plan_a), {"change": deletion.pk}).status_code == 403
    with inside(nordre_land):
        assert not Risk.objects.filter(pk=risk_id).exists()


def test_the_history_page_is_the_municipalitys_own(
    plan_a: Plan, leader_a, leader_b, nordre_land, nesseby
) -> None:
    risk_id, deletion = deleted_risk(plan_a, leader_a, nordre_land)
    # the other municipality's leader: 404 on both, nothing restored
    other = page(leader_b, nordre_land)
    assert other.get(history_url(plan_a)).status_code == 404
    assert other.post(history_url(plan_a), {"change": deletion.pk}).status_code == 404
    # anonymous: sent to log in
    anonymous = page(None, nordre_land).get(history_url(plan_a))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    # a guessed plan id or change id: 404
    leader = page(leader_a, nordre_land)
    assert leader.get("/planer/987654/historikk/").status_code == 404
    assert leader.post(history_url(plan_a), {"change": 987654}).status_code == 404
    assert leader.post(history_url(plan_a), {"change": "x"}).status_code == 404
    with inside(nordre_land):
        assert not Risk.objects.filter(pk=risk_id).exists()


def test_the_history_page_queries_do_not_grow_with_changes(
    plan_a: Plan, leader_a, nordre_land
) -> None:
    client = page(leader_a, nordre_land)
    deleted_risk(plan_a, leader_a, nordre_land)
    with CaptureQueriesContext(connection) as few:
        assert client.get(history_url(plan_a)).status_code == 200
    for _ in range(20):
        deleted_risk(plan_a, leader_a, nordre_land)
    with CaptureQueriesContext(connection) as many:
        assert client.get(history_url(plan_a)).status_code == 200
    assert len(many) == len(few)
