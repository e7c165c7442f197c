"""Sharing a routine to the network's library, adopting it in another municipality, and
taking the source's later changes: the rules, and that a refusal writes nothing.

Given Nordre Land (source) and Nesseby (adopter) in the Finnmark network: Nordre Land's
leader shares its approved routine; Nesseby adopts it as a draft with its own units; a new
approval at Nordre Land shows at Nesseby as pending changes, with a notice and a mail,
and nothing changes at Nesseby until it takes them and approves them itself.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from networks.library.models import LibraryRoutine, LibraryRoutineVersion
from networks.library.tasks import notify_library_update
from networks.models import LearningNetwork, Organiser
from samla.accounts.models import MunicipalityMembership, MunicipalityRole
from samla.tasks import run_for_municipality
from tenants.routines import services
from tenants.routines.models import Notice, NoticeKind, Routine, RoutineStatus
from tenants.routines.services import library
from tests.conftest import make_member
from tests.library.conftest import mapping_b
from tests.plans.conftest import inside
from tests.plans.test_validators import national_id

FNR = national_id("150312")
TODAY = datetime.date.today()


def share(nordre_land, leader_a, routine, network) -> LibraryRoutine:
    with inside(nordre_land):
        return library.share_routine(nordre_land, leader_a, routine, network.pk)


def adopt(nesseby, user, entry, mapping, **extra) -> Routine:
    with inside(nesseby):
        return library.adopt_routine(nesseby, user, entry.pk, mapping, **extra)


def routines_in(municipality) -> int:
    with inside(municipality):
        return Routine.objects.count()


def approve_new_version(nordre_land, leader_a, routine, data, capture) -> Routine:
    """Edit the source's routine and approve it, running what waits for the commit."""
    with inside(nordre_land), capture(execute=True):
        routine = Routine.objects.get(pk=routine.pk)
        routine = services.update_routine(
            nordre_land, leader_a, routine, data, version=routine.version
        )
        return services.approve_routine(
            nordre_land,
            leader_a,
            routine,
            version=routine.version,
            approved_on=TODAY,
            approved_by="Oppvekstutvalget",
        )


# Sharing -------------------------------------------------------------------------------


def test_a_leader_shares_an_approved_routine_as_a_copy(nordre_land, leader_a, approved_a, finnmark):
    entry = share(nordre_land, leader_a, approved_a, finnmark)

    assert (entry.network, entry.source_municipality) == (finnmark, nordre_land)
    assert (entry.source_routine_id, entry.latest_version) == (approved_a.pk, 1)
    assert entry.shared_by_user_id == leader_a.pk
    version = entry.versions.get()
    assert (version.number, version.source_version) == (1, 1)
    assert version.approved_on == datetime.date(2018, 3, 20)
    assert version.content["owner_unit"] == "Barnehagene"
    assert version.content["units"] == ["Barnehagene", "PPT", "Torpa barne- og ungdomsskole"]
    assert [step["responsible_unit"] for step in version.content["steps"]] == [
        "Barnehagene",
        "Torpa barne- og ungdomsskole",
        "PPT",
    ]


def test_sharing_a_draft_is_refused(nordre_land, leader_a, draft_a, finnmark):
    with pytest.raises(ValidationError) as refused:
        share(nordre_land, leader_a, draft_a, finnmark)
    assert "Bare godkjente rutiner kan deles" in str(refused.value)
    assert not LibraryRoutine.objects.exists()


def test_only_the_leader_shares(nordre_land, editor_a, approved_a, finnmark):
    with pytest.raises(PermissionDenied):
        share(nordre_land, editor_a, approved_a, finnmark)
    assert not LibraryRoutine.objects.exists()


def test_sharing_to_a_network_the_municipality_is_not_in_is_refused(
    nordre_land, leader_a, approved_a, finnmark, nesseby_only
):
    with pytest.raises(ValidationError) as refused:
        share(nordre_land, leader_a, approved_a, nesseby_only)
    assert refused.value.message_dict["network"] == ["Kommunen er ikke medlem av dette nettverket."]
    for bad in ("x", None, -1, 2**70):
        with inside(nordre_land), pytest.raises(ValidationError):
            library.share_routine(nordre_land, leader_a, approved_a, bad)
    assert not LibraryRoutine.objects.exists()


def test_a_routine_is_shared_once_per_network_and_can_be_shared_again_after_withdrawal(
    nordre_land, leader_a, approved_a, finnmark
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    with pytest.raises(ValidationError):
        share(nordre_land, leader_a, approved_a, finnmark)

    with inside(nordre_land):
        withdrawn = library.withdraw_routine(nordre_land, leader_a, approved_a, finnmark.pk)
        assert library.shared_entries(nordre_land, approved_a) == []
        with pytest.raises(ValidationError):
            library.withdraw_routine(nordre_land, leader_a, approved_a, finnmark.pk)
    assert withdrawn.withdrawn_at is not None
    assert not LibraryRoutine.objects.shared().exists()

    again = share(nordre_land, leader_a, approved_a, finnmark)
    assert again.pk == entry.pk and again.withdrawn_at is None
    assert again.versions.count() == 1  # the same approved version is not copied twice


def test_a_retired_routine_leaves_the_library(nordre_land, leader_a, approved_a, finnmark):
    share(nordre_land, leader_a, approved_a, finnmark)
    with inside(nordre_land):
        routine = Routine.objects.get(pk=approved_a.pk)
        services.retire_routine(
            nordre_land, leader_a, routine, version=routine.version, retired_on=TODAY
        )
    entry = LibraryRoutine.objects.get()
    assert entry.withdrawn_at is not None and entry.versions.count() == 1
    assert not LibraryRoutine.objects.shared().exists()


# Adopting ------------------------------------------------------------------------------


def test_another_member_adopts_a_shared_routine_as_its_own_draft(
    nordre_land, nesseby, leader_a, leader_b, approved_a, finnmark, units_b
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)

    routine = adopt(nesseby, leader_b, entry, mapping_b(units_b))

    with inside(nesseby):
        routine = Routine.objects.get(pk=routine.pk)
        assert routine.status == RoutineStatus.DRAFT and routine.current is None
        draft = routine.draft
        assert draft.title == "Overgang fra barnehage til skole"
        assert draft.owner_unit == units_b["Barnehagen"]
        assert set(draft.units.all()) == {
            units_b["Barnehagen"],
            units_b["Nesseby oppvekstsenter"],
            units_b["PPT Øst-Finnmark"],
        }
        assert [step.responsible_unit.name for step in draft.steps.all()] == [
            "Barnehagen",
            "Nesseby oppvekstsenter",
            "PPT Øst-Finnmark",
        ]
        assert draft.methods == ["ansvarsgruppe"]
        assert "Nordre Land" in draft.change_note
        assert (routine.library_entry_id, routine.library_version) == (entry.pk, 1)
        assert routine.source_municipality == "Nordre Land"
        assert routine.unit_mapping == mapping_b(units_b)
        assert library.pending_library_changes(nesseby, routine).pending is False
    # The source's routine is untouched, and no row of Nesseby's is in the public schema.
    with inside(nordre_land):
        assert Routine.objects.get(pk=approved_a.pk).version == approved_a.version


def test_an_own_owner_unit_and_title_may_be_chosen(
    nordre_land, nesseby, leader_a, editor_b, approved_a, finnmark, units_b
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    mapping = mapping_b(units_b)
    del mapping["Barnehagene"]
    mapping["Barnehagene"] = units_b["Barnehagen"].pk
    routine = adopt(
        nesseby,
        editor_b,
        entry,
        mapping,
        owner_unit=units_b["Helsestasjonen"].pk,
        title="Overgang barnehage–skole i Unjárga",
    )
    with inside(nesseby):
        draft = Routine.objects.get(pk=routine.pk).draft
        assert draft.owner_unit == units_b["Helsestasjonen"]
        assert draft.title == "Overgang barnehage–skole i Unjárga"


def test_adopting_into_a_municipality_the_user_does_not_belong_to_is_refused(
    nordre_land, nesseby, leader_a, approved_a, finnmark, units_b, viewer_b
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    for user in (leader_a, viewer_b):
        with pytest.raises(PermissionDenied):
            adopt(nesseby, user, entry, mapping_b(units_b))
    assert routines_in(nesseby) == 0


def test_adopting_from_a_network_the_municipality_is_not_in_is_refused(
    nordre_land, nesseby, leader_a, leader_b, approved_a, units_b
):
    elsewhere = LearningNetwork.objects.create(
        name="Innlandet", slug="innlandet", organiser=Organiser.KS
    )
    elsewhere.municipalities.add(nordre_land)
    entry = share(nordre_land, leader_a, approved_a, elsewhere)

    with pytest.raises(ValidationError) as refused:
        adopt(nesseby, leader_b, entry, mapping_b(units_b))
    assert "entry" in refused.value.message_dict
    assert "nettverkene kommunen er medlem av" in refused.value.message_dict["entry"][0]
    assert routines_in(nesseby) == 0


def test_a_withdrawn_entry_an_own_entry_and_a_guessed_id_cannot_be_adopted(
    nordre_land, nesseby, leader_a, leader_b, approved_a, finnmark, units_b, units_a
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    with inside(nordre_land):
        with pytest.raises(ValidationError):  # its own routine
            library.adopt_routine(nordre_land, leader_a, entry.pk, {})
        library.withdraw_routine(nordre_land, leader_a, approved_a, finnmark.pk)
    for entry_id in (entry.pk, 987654, "x", None, 2**70):
        with inside(nesseby), pytest.raises(ValidationError) as refused:
            library.adopt_routine(nesseby, leader_b, entry_id, mapping_b(units_b))
        assert "entry" in refused.value.message_dict
    assert routines_in(nesseby) == 0


def test_a_unit_id_not_in_this_municipality_is_refused(
    nordre_land, nesseby, leader_a, leader_b, approved_a, finnmark, units_b
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    for bad in ({**mapping_b(units_b), "PPT": 987654}, {"PPT": "ppt"}, ["PPT"], "PPT"):
        with pytest.raises(ValidationError) as refused:
            adopt(nesseby, leader_b, entry, bad)
        assert "unit_mapping" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        adopt(nesseby, leader_b, entry, mapping_b(units_b), owner_unit=987654)
    assert refused.value.message_dict["owner_unit"] == [
        "Enhet med id 987654 finnes ikke i denne kommunen."
    ]
    assert routines_in(nesseby) == 0


def test_unmapped_unit_names_are_refused_by_name(
    nordre_land, nesseby, leader_a, leader_b, approved_a, finnmark, units_b
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    mapping = mapping_b(units_b)
    del mapping["PPT"], mapping["Barnehagene"]

    with pytest.raises(ValidationError) as refused:
        adopt(nesseby, leader_b, entry, mapping)
    assert refused.value.message_dict["unit_mapping"] == [
        "Koble disse enhetene fra kilden til en av kommunens egne enheter: «Barnehagene», «PPT»."
    ]
    assert routines_in(nesseby) == 0


def test_a_national_identity_number_in_the_title_is_refused(
    nordre_land, nesseby, leader_a, leader_b, approved_a, finnmark, units_b
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    for extra, name in (
        ({"title": f"Overgang for {FNR}"}, "title"),
        ({"change_note": f"Gjelder {FNR}"}, "change_note"),
    ):
        with pytest.raises(ValidationError) as refused:
            adopt(nesseby, leader_b, entry, mapping_b(units_b), **extra)
        assert name in refused.value.message_dict
    assert routines_in(nesseby) == 0


def test_a_routine_is_adopted_once(
    nordre_land, nesseby, leader_a, leader_b, approved_a, finnmark, units_b
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    adopt(nesseby, leader_b, entry, mapping_b(units_b))
    with pytest.raises(ValidationError) as refused:
        adopt(nesseby, leader_b, entry, mapping_b(units_b))
    assert "allerede hentet" in refused.value.message_dict["entry"][0]
    assert routines_in(nesseby) == 1


def test_an_adopted_routine_is_not_shared_onwards(
    nordre_land, nesseby, leader_a, leader_b, approved_a, finnmark, units_b
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    routine = adopt(nesseby, leader_b, entry, mapping_b(units_b))
    with inside(nesseby):
        routine = services.approve_routine(
            nesseby, leader_b, routine, version=routine.version, approved_on=TODAY,
            approved_by="Oppvekstleder",
        )  # fmt: skip
        with pytest.raises(ValidationError):
            library.share_routine(nesseby, leader_b, routine, finnmark.pk)
    assert LibraryRoutine.objects.count() == 1


# A new version at the source --------------------------------------------------------------


@pytest.fixture
def adopted_b(nordre_land, nesseby, leader_a, leader_b, approved_a, finnmark, units_b):
    """Nesseby's approved copy of Nordre Land's shared routine (library version 1)."""
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    routine = adopt(nesseby, leader_b, entry, mapping_b(units_b))
    with inside(nesseby):
        return services.approve_routine(
            nesseby, leader_b, routine, version=routine.version, approved_on=TODAY,
            approved_by="Oppvekstleder",
        )  # fmt: skip


SOURCE_EDIT = {
    "purpose": "Trygg overgang for alle barn, med foreldrenes samtykke.",
    "review_interval_months": 24,
}


def test_a_new_approved_version_shows_as_pending_changes_and_changes_nothing(
    nordre_land,
    nesseby,
    leader_a,
    approved_a,
    adopted_b,
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    approve_new_version(
        nordre_land, leader_a, approved_a, SOURCE_EDIT, django_capture_on_commit_callbacks
    )

    entry = LibraryRoutine.objects.get()
    assert entry.latest_version == 2
    assert entry.versions.get(number=2).source_version == 2
    with inside(nesseby):
        routine = Routine.objects.get(pk=adopted_b.pk)
        # Nothing changed in Nesseby: the same version in force, no draft.
        assert (routine.current_id, routine.draft_id) == (adopted_b.current_id, None)
        assert routine.current.review_interval_months == 12
        assert routine.library_version == 1
        pending = library.pending_library_changes(nesseby, routine)
        assert pending.pending and (pending.taken_version, pending.latest_version) == (1, 2)
        assert [(c.field, c.before, c.after) for c in pending.changes] == [
            ("purpose", approved_a.current.purpose, SOURCE_EDIT["purpose"]),
            ("review_interval_months", 12, 24),
        ]
        assert pending.unmapped == []
        notice = Notice.objects.get(routine=routine)
        assert (notice.kind, notice.occasion) == (NoticeKind.LIBRARY_UPDATE, "2")
        assert notice.recipients == ["barnehagen@nesseby.test"]
    [sent] = mail.outbox
    assert sent.to == ["barnehagen@nesseby.test"]
    assert sent.subject == (
        "Ny versjon av «Overgang fra barnehage til skole» i nettverkets bibliotek"
    )
    assert "Hei,\n\ndette er et varsel fra Samla for Unjárga/Nesseby." in sent.body
    assert "Nordre Land har godkjent en ny versjon" in sent.body
    assert "Ingenting er endret i deres rutine" in sent.body
    assert f"http://nesseby.localhost/rutiner/{adopted_b.pk}/" in sent.body


def test_the_update_notice_is_sent_once_per_library_version(
    nordre_land, nesseby, leader_a, approved_a, adopted_b, django_capture_on_commit_callbacks
):
    approve_new_version(
        nordre_land, leader_a, approved_a, SOURCE_EDIT, django_capture_on_commit_callbacks
    )
    entry = LibraryRoutine.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = run_for_municipality(nesseby, notify_library_update, entry.pk, 2)
        once_more = run_for_municipality(nesseby, notify_library_update, entry.pk, 2)
    assert again == once_more
    with inside(nesseby):
        assert Notice.objects.filter(kind=NoticeKind.LIBRARY_UPDATE).count() == 1
    assert mail.outbox == []
    # A member that did not adopt it gets nothing; the source is not told about itself.
    assert run_for_municipality(nordre_land, notify_library_update, entry.pk, 2) is None


def test_approving_again_without_changes_publishes_nothing_new(
    nordre_land, leader_a, approved_a, finnmark
):
    share(nordre_land, leader_a, approved_a, finnmark)
    library.publish_approved_version(nordre_land, approved_a.pk)
    assert LibraryRoutineVersion.objects.count() == 1


def test_taking_the_changes_writes_a_draft_that_waits_for_approval(
    nordre_land,
    nesseby,
    leader_a,
    editor_b,
    leader_b,
    approved_a,
    adopted_b,
    django_capture_on_commit_callbacks,
):
    with inside(nesseby):  # Nesseby's own edit of a field the source does not change
        own = services.update_routine(
            nesseby, editor_b, adopted_b, {"title": "Overgang i Unjárga"},
            version=adopted_b.version,
        )  # fmt: skip
    approve_new_version(
        nordre_land, leader_a, approved_a, SOURCE_EDIT, django_capture_on_commit_callbacks
    )

    with inside(nesseby):
        taken = library.take_library_changes(
            nesseby, editor_b, own, version=own.version, library_version=2
        )
        routine = Routine.objects.get(pk=taken.pk)
        assert routine.library_version == 2
        assert routine.status == RoutineStatus.APPROVED
        assert routine.current_id == adopted_b.current_id  # still the version in force
        assert routine.current.purpose != SOURCE_EDIT["purpose"]
        draft = routine.draft
        assert draft.purpose == SOURCE_EDIT["purpose"]
        assert draft.review_interval_months == 24
        assert draft.title == "Overgang i Unjárga"  # Nesseby's own edit stays
        assert "versjon 2" in draft.change_note
        assert library.pending_library_changes(nesseby, routine).pending is False
        with pytest.raises(ValidationError):  # nothing left to take
            library.take_library_changes(
                nesseby, editor_b, routine, version=routine.version, library_version=2
            )
        approved = services.approve_routine(
            nesseby, leader_b, routine, version=routine.version, approved_on=TODAY,
            approved_by="Oppvekstleder",
        )  # fmt: skip
        assert approved.current.purpose == SOURCE_EDIT["purpose"]


def test_new_unit_names_must_be_mapped_when_taking_changes(
    nordre_land,
    nesseby,
    leader_a,
    leader_b,
    units_a,
    units_b,
    approved_a,
    adopted_b,
    django_capture_on_commit_callbacks,
):
    steps = [
        {"action": "Barnehagen innhenter samtykke.", "responsible_unit": units_a["Barnehagene"].pk,
         "timing": "Innen 1. februar"},
        {"action": "Helsestasjonen deler det foreldrene samtykker til.",
         "responsible_unit": units_a["Helsestasjonen"].pk, "timing": "Ved behov"},
    ]  # fmt: skip
    approve_new_version(
        nordre_land, leader_a, approved_a, {"steps": steps}, django_capture_on_commit_callbacks
    )
    with inside(nesseby):
        routine = Routine.objects.get(pk=adopted_b.pk)
        assert library.pending_library_changes(nesseby, routine).unmapped == ["Helsestasjonen"]
        with pytest.raises(ValidationError) as refused:
            library.take_library_changes(
                nesseby, leader_b, routine, version=routine.version, library_version=2
            )
        assert "«Helsestasjonen»" in refused.value.message_dict["unit_mapping"][0]
        with pytest.raises(ValidationError) as refused:
            library.take_library_changes(
                nesseby, leader_b, routine, version=routine.version, library_version=2,
                unit_mapping={"Helsestasjonen": 987654},
            )  # fmt: skip
        assert "987654" in refused.value.message_dict["unit_mapping"][0]
        with pytest.raises(ValidationError) as refused:
            library.take_library_changes(
                nesseby, leader_b, routine, version=routine.version, library_version=2,
                unit_mapping={"Helsestasjonen": units_b["Helsestasjonen"].pk},
                change_note=f"Gjelder {FNR}",
            )  # fmt: skip
        assert "change_note" in refused.value.message_dict
        unchanged = Routine.objects.get(pk=routine.pk)
        assert (unchanged.draft_id, unchanged.library_version) == (None, 1)

        taken = library.take_library_changes(
            nesseby, leader_b, routine, version=routine.version, library_version=2,
            unit_mapping={"Helsestasjonen": units_b["Helsestasjonen"].pk},
        )  # fmt: skip
        draft = Routine.objects.get(pk=taken.pk).draft
        assert [step.responsible_unit.name for step in draft.steps.all()] == [
            "Barnehagen",
            "Helsestasjonen",
        ]
        assert taken.unit_mapping["Helsestasjonen"] == units_b["Helsestasjonen"].pk


def test_a_stale_library_version_or_a_viewer_cannot_take_changes(
    nordre_land,
    nesseby,
    leader_a,
    leader_b,
    viewer_b,
    approved_a,
    adopted_b,
    django_capture_on_commit_callbacks,
):
    approve_new_version(
        nordre_land, leader_a, approved_a, SOURCE_EDIT, django_capture_on_commit_callbacks
    )
    with inside(nesseby):
        routine = Routine.objects.get(pk=adopted_b.pk)
        with pytest.raises(library.StaleLibraryVersion):
            library.take_library_changes(
                nesseby, leader_b, routine, version=routine.version, library_version=1
            )
        with pytest.raises(PermissionDenied):
            library.take_library_changes(
                nesseby, viewer_b, routine, version=routine.version, library_version=2
            )
        assert Routine.objects.get(pk=routine.pk).draft_id is None


def test_a_routine_not_from_the_library_has_no_changes(nordre_land, leader_a, approved_a):
    with inside(nordre_land):
        assert library.pending_library_changes(nordre_land, approved_a).entry is None
        with pytest.raises(ValidationError):
            library.take_library_changes(
                nordre_land, leader_a, approved_a, version=approved_a.version, library_version=1
            )


def test_without_an_owner_address_the_leaders_are_told_and_a_failed_send_is_retried(
    nordre_land, nesseby, leader_a, leader_b, approved_a, adopted_b, units_b, monkeypatch
):
    leader_b.email = "leder@nesseby.test"
    leader_b.save(update_fields=["email"])
    with inside(nesseby):
        units_b["Barnehagen"].email = ""
        units_b["Barnehagen"].save(update_fields=["email"])
        entry_id = adopted_b.library_entry_id
        mail.outbox.clear()

        def refuse(*args, **kwargs):
            raise OSError("e-posttjeneren svarer ikke")

        monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(OSError):
            library.notify_library_update(nesseby, entry_id, 2)
        assert not Notice.objects.exists()  # the claim went with the failed send

        monkeypatch.undo()
        notice = library.notify_library_update(nesseby, entry_id, 2)
        assert notice is not None and notice.recipients == ["leder@nesseby.test"]
        assert library.notify_library_update(nesseby, entry_id, 2) is None
    [sent] = mail.outbox
    assert sent.to == ["leder@nesseby.test"]


def test_a_consultant_adopts_until_the_engagement_ends(
    nordre_land, nesseby, leader_a, approved_a, finnmark, units_b
):
    entry = share(nordre_land, leader_a, approved_a, finnmark)
    consultant = make_member(
        nesseby, "konsulent.nesseby", role=MunicipalityRole.CONSULTANT,
        valid_until=TODAY + datetime.timedelta(days=30),
    )  # fmt: skip
    MunicipalityMembership.objects.filter(user=consultant).update(
        valid_until=TODAY - datetime.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        adopt(nesseby, consultant, entry, mapping_b(units_b))
    assert routines_in(nesseby) == 0
    MunicipalityMembership.objects.filter(user=consultant).update(
        valid_until=TODAY + datetime.timedelta(days=30)
    )
    routine = adopt(nesseby, consultant, entry, mapping_b(units_b))
    assert routine.library_entry_id == entry.pk
