"""Applying to volunteer, the office's vetting, tags, and how a volunteer's name is shown."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from happiness_fair.audit import AuditEvent
from happiness_fair.catalogue.events import volunteer_suspended
from happiness_fair.catalogue.models import Volunteer, VolunteerStatus


@pytest.fixture
def place(make):
    """A community with two grids, its office, a grid worker, and a resident who lives there."""
    community = make.community()
    grid1, grid2 = make.grid(community), make.grid(community)
    return SimpleNamespace(
        community=community,
        grid1=grid1,
        grid2=grid2,
        office=make.office(community),
        grid_worker=make.grid_worker(grid1),
        resident=make.user(community=community, name="王阿姨"),
    )


def _application(make, place, **overrides):
    body = {
        "bio": "退休水电工，三十年经验",
        "category_ids": [make.category("plumbing").id, make.category("locks").id],
        "grid_ids": [place.grid1.id, place.grid2.id],
    }
    return body | overrides


def test_a_resident_applies_and_waits_for_the_office(api, make, place):
    response = api.as_(place.resident).post("/me/volunteer", json=_application(make, place))
    assert response.status_code == 201, response.json
    volunteer = response.json
    assert volunteer["status"] == "pending"
    assert volunteer["user_id"] == place.resident.id
    assert volunteer["name"] == "王阿姨"
    assert volunteer["grid_ids"] == [place.grid1.id, place.grid2.id]
    assert sorted(volunteer["category_ids"]) == sorted(
        [make.category("plumbing").id, make.category("locks").id]
    )
    assert volunteer["tags"] == []
    assert volunteer["star_level"] == 0
    assert volunteer["verified_minutes"] == 0
    assert volunteer["rating"] is None
    assert volunteer["completed_count"] == 0
    me = api.as_(place.resident).get("/me").json
    assert me["volunteer"]["id"] == volunteer["id"]
    assert "volunteer" not in me["roles"]


def test_applying_twice_is_a_conflict(api, make, place):
    first = api.as_(place.resident).post("/me/volunteer", json=_application(make, place))
    assert first.status_code == 201
    again = api.as_(place.resident).post("/me/volunteer", json=_application(make, place))
    assert again.status_code == 409
    assert again.json["error"]["code"] == "conflict"


def test_grids_must_be_in_the_applicants_own_community(api, make, place):
    elsewhere = make.grid()
    response = api.as_(place.resident).post(
        "/me/volunteer", json=_application(make, place, grid_ids=[place.grid1.id, elsewhere.id])
    )
    assert response.status_code == 422
    assert "grid_ids" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category_ids": [999999]}, "category_ids"),
        ({"category_ids": []}, "category_ids"),
        ({"grid_ids": []}, "grid_ids"),
        ({"grid_ids": ["one"]}, "grid_ids"),
        ({"bio": "长" * 501}, "bio"),
        ({"bio": "\x00"}, "bio"),
        ({"status": "approved"}, "status"),
        ({"nickname": "老沈"}, "nickname"),
    ],
)
def test_an_application_with_bad_fields_is_refused(api, make, place, change, field):
    response = api.as_(place.resident).post(
        "/me/volunteer", json=_application(make, place, **change)
    )
    assert response.status_code == 422, response.json
    assert any(key.split(".")[0] == field for key in response.json["error"]["fields"])
    assert api.as_(place.resident).get("/me").json["volunteer"] is None


def test_a_body_that_is_not_a_json_object_is_a_bad_request(api, place):
    response = api.as_(place.resident).post("/me/volunteer", json=[1, 2])
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_a_volunteer_changes_his_skills_grids_and_bio(api, make, place):
    volunteer = make.volunteer([place.grid1], categories=("plumbing", "knives"))
    user = volunteer.account_user
    plumbing = make.listing(volunteer, category="plumbing")
    knives = make.listing(volunteer, category="knives", title="磨刀")
    response = api.as_(user).patch(
        "/me/volunteer",
        json={
            "bio": "也会修锁",
            "category_ids": [make.category("knives").id],
            "grid_ids": [place.grid2.id],
        },
    )
    assert response.status_code == 200, response.json
    assert response.json["bio"] == "也会修锁"
    assert response.json["category_ids"] == [make.category("knives").id]
    # He dropped grid 1 at once; grid 2 is new, so it waits for the office (review B #3).
    assert response.json["grid_ids"] == []
    assert response.json["pending_grid_ids"] == [place.grid2.id]
    assert response.json["status"] == "approved"
    # A service in a skill he no longer offers leaves the catalogue.
    assert api.as_(user).get(f"/listings/{plumbing.id}").json["active"] is False
    assert api.as_(user).get(f"/listings/{knives.id}").json["active"] is True


def test_patching_without_an_application_is_not_found(api, place):
    response = api.as_(place.resident).patch("/me/volunteer", json={"bio": "你好"})
    assert response.status_code == 404
    assert api.as_(place.resident).get("/me/volunteer").status_code == 404


def test_the_office_approves_and_who_when_why_are_kept_and_audited(api, make, place, in_app):
    volunteer = make.volunteer([place.grid1], status=VolunteerStatus.pending)
    response = api.as_(place.office).post(
        f"/volunteers/{volunteer.id}/approve", json={"reason": "身份证已核对"}
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved"
    assert response.json["decided_by_id"] == place.office.id
    assert response.json["decision_reason"] == "身份证已核对"
    assert response.json["decided_at"]
    with in_app() as session:
        row = session.get(Volunteer, volunteer.id)
        assert row.status == VolunteerStatus.approved
        assert row.decided_by_id == place.office.id
        assert row.decided_at is not None
        event = session.execute(
            sa.select(AuditEvent).where(
                AuditEvent.subject_type == "volunteer", AuditEvent.subject_id == volunteer.id
            )
        ).scalar_one()
        assert event.action == "volunteer.approve"
        assert event.actor_id == place.office.id
        assert event.community_id == place.community.id
        assert event.detail["from_status"] == "pending"
        assert event.detail["to_status"] == "approved"
    me = api.as_(volunteer.account_user).get("/me").json
    assert "volunteer" in me["roles"]
    assert me["volunteer"]["status"] == "approved"


def test_a_member_of_the_office_does_not_approve_his_own_application(api, make, place, in_app):
    """He volunteers like anyone, and another member of the office decides (found by review:
    he could approve himself)."""
    applied = api.as_(place.office).post(
        "/me/volunteer", json=_application(make, place, grid_ids=[place.grid1.id])
    )
    assert applied.status_code == 201, applied.json
    own = api.as_(place.office).post(
        f"/volunteers/{applied.json['id']}/approve", json={"reason": "我自己"}
    )
    assert own.status_code == 403, own.json
    assert "Another member of the community office" in own.json["error"]["message"]
    with in_app() as session:
        assert session.get(Volunteer, applied.json["id"]).status == VolunteerStatus.pending
    colleague = make.office(place.community)
    decided = api.as_(colleague).post(
        f"/volunteers/{applied.json['id']}/approve", json={"reason": "身份已核对"}
    )
    assert decided.status_code == 200, decided.json
    assert decided.json["decided_by_id"] == colleague.id


def test_nothing_that_credits_his_own_record_is_decided_by_himself(api, make, place, in_app):
    """Four eyes on an office member who volunteers: his hours, a correction of them, his
    certificate and his tags are another member's to give (found by review: he gave himself
    600 minutes, accepted his own correction and sealed his own certificate)."""
    from happiness_fair.hours.models import HoursCorrection, HoursRecord

    applied = api.as_(place.office).post(
        "/me/volunteer", json=_application(make, place, grid_ids=[place.grid1.id])
    )
    volunteer_id = applied.json["id"]
    colleague = make.office(place.community)
    himself, other = api.as_(place.office), api.as_(colleague)
    approved = other.post(f"/volunteers/{volunteer_id}/approve", json={"reason": "核实"})
    assert approved.status_code == 200, approved.json
    hours = {
        "volunteer_id": volunteer_id,
        "minutes": 600,
        "date": "2026-11-02",
        "grid_id": place.grid1.id,
        "reason": "纸质签到",
    }
    refused = {
        "hours": himself.post("/hours", json=hours),
        "certificate": himself.post(f"/volunteers/{volunteer_id}/certificates", json={}),
        "tags": himself.patch(f"/volunteers/{volunteer_id}", json={"tags": ["在职党员"]}),
    }
    for what, response in refused.items():
        assert response.status_code == 403, (what, response.json)
        assert "Another member of the community office" in response.json["error"]["message"]
    with in_app() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(HoursRecord)) == 0
    given = other.post("/hours", json={**hours, "minutes": 60})
    assert given.status_code == 201, given.json
    asked = himself.post(
        f"/hours/{given.json['id']}/corrections", json={"minutes": 900, "reason": "多算了"}
    )
    assert asked.status_code == 201, asked.json
    own = himself.post(f"/hours/corrections/{asked.json['id']}/accept", json={"note": ""})
    assert own.status_code == 403, own.json
    with in_app() as session:
        assert session.get(HoursRecord, given.json["id"]).minutes == 60
        assert session.get(HoursCorrection, asked.json["id"]).status.value == "open"
    assert other.post(f"/volunteers/{volunteer_id}/certificates", json={}).status_code == 201
    tagged = other.patch(f"/volunteers/{volunteer_id}", json={"tags": ["在职党员"]})
    assert tagged.status_code == 200, tagged.json
    asked_for = himself.post("/me/certificate-requests", json={})
    assert asked_for.status_code == 201, asked_for.json
    for answer in ("issue", "refuse"):  # his own request is a colleague's to answer
        own = himself.post(
            f"/certificate-requests/{asked_for.json['id']}/{answer}", json={"reason": "不需要"}
        )
        assert own.status_code == 403, (answer, own.json)
    for action in ("suspend", "refuse"):  # nor does he decide to stand down: a colleague does
        own = himself.post(f"/volunteers/{volunteer_id}/{action}", json={"reason": "我自己"})
        assert own.status_code == 403, (action, own.json)


def test_refusing_and_suspending_need_a_reason_which_is_kept(api, make, place, in_app):
    pending = make.volunteer([place.grid1], status=VolunteerStatus.pending)
    path = f"/volunteers/{pending.id}/refuse"
    assert api.as_(place.office).post(path, json={}).status_code == 422
    assert api.as_(place.office).post(path, json={"reason": "   "}).status_code == 422
    refused = api.as_(place.office).post(path, json={"reason": "无法核实身份"})
    assert refused.status_code == 200
    assert refused.json["status"] == "refused"
    assert refused.json["decision_reason"] == "无法核实身份"

    approved = make.volunteer([place.grid1])
    suspended = api.as_(place.office).post(
        f"/volunteers/{approved.id}/suspend", json={"reason": "多次爽约"}
    )
    assert suspended.status_code == 200
    assert suspended.json["status"] == "suspended"
    with in_app() as session:
        actions = session.execute(
            sa.select(AuditEvent.action, AuditEvent.detail).where(
                AuditEvent.subject_type == "volunteer",
                AuditEvent.subject_id.in_([pending.id, approved.id]),
            )
        ).all()
        assert sorted((a, d["reason"]) for a, d in actions) == [
            ("volunteer.refuse", "无法核实身份"),
            ("volunteer.suspend", "多次爽约"),
        ]


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        ("pending", "approve", "approved"),
        ("pending", "refuse", "refused"),
        ("pending", "suspend", None),
        ("approved", "approve", None),
        ("approved", "refuse", None),
        ("approved", "suspend", "suspended"),
        ("suspended", "approve", "approved"),
        ("suspended", "refuse", None),
        ("suspended", "suspend", None),
        ("refused", "approve", "approved"),
        ("refused", "refuse", None),
        ("refused", "suspend", None),
    ],
)
def test_only_legal_vetting_moves_are_made(api, make, place, status, action, expected):
    volunteer = make.volunteer([place.grid1], status=VolunteerStatus(status))
    response = api.as_(place.office).post(
        f"/volunteers/{volunteer.id}/{action}", json={"reason": "理由"}
    )
    if expected is None:
        assert response.status_code == 409, response.json
        assert response.json["error"]["code"] == "conflict"
        after = api.as_(place.office).get(f"/volunteers/{volunteer.id}").json
        assert after["status"] == status
    else:
        assert response.status_code == 200, response.json
        assert response.json["status"] == expected


def test_suspending_sends_volunteer_suspended(api, make, place):
    seen = []

    def receiver(volunteer, *, actor, **_details):
        seen.append((volunteer.id, actor.id))

    volunteer = make.volunteer([place.grid1])
    with volunteer_suspended.connected_to(receiver):
        response = api.as_(place.office).post(
            f"/volunteers/{volunteer.id}/suspend", json={"reason": "投诉"}
        )
    assert response.status_code == 200
    assert seen == [(volunteer.id, place.office.id)]


def test_another_communitys_office_cannot_vet_and_residents_may_not(api, make, place):
    volunteer = make.volunteer([place.grid1], status=VolunteerStatus.pending)
    other_office = make.office(make.community())
    for action in ("approve", "refuse", "suspend"):
        path = f"/volunteers/{volunteer.id}/{action}"
        body = {"reason": "理由"}
        assert api.as_(other_office).post(path, json=body).status_code == 404
        assert api.as_(place.resident).post(path, json=body).status_code == 403
        assert api.as_(place.grid_worker).post(path, json=body).status_code == 403
        assert api.as_(volunteer.account_user).post(path, json=body).status_code == 403
    assert api.as_(place.office).get(f"/volunteers/{volunteer.id}").json["status"] == "pending"


def test_the_office_tags_volunteers(api, make, place, in_app):
    volunteer = make.volunteer([place.grid1], tags=("志愿服务队",))
    path = f"/volunteers/{volunteer.id}"
    response = api.as_(place.office).patch(path, json={"tags": ["在职党员", " 志愿服务队 "]})
    assert response.status_code == 200, response.json
    assert response.json["tags"] == sorted(["在职党员", "志愿服务队"])
    assert api.as_(place.office).get(path).json["tags"] == sorted(["在职党员", "志愿服务队"])
    assert "tags" not in api.get(path).json  # a political affiliation is not for the public
    assert api.as_(place.office).patch(path, json={"tags": ["在职党员"]}).json["tags"] == [
        "在职党员"
    ]
    assert api.as_(place.office).patch(path, json={"tags": [""]}).status_code == 422
    assert api.as_(place.resident).patch(path, json={"tags": []}).status_code == 403
    assert api.as_(volunteer.account_user).patch(path, json={"tags": []}).status_code == 403
    with in_app() as session:
        tags = session.execute(
            sa.select(AuditEvent.detail).where(AuditEvent.action == "volunteer.tags")
        ).scalars()
        assert [d["tags"] for d in tags] == [["在职党员", "志愿服务队"], ["在职党员"]]


def test_an_approved_volunteer_is_public_others_only_to_himself_and_his_office(api, make, place):
    approved = make.volunteer([place.grid1])
    outsider = make.user()
    assert api.get(f"/volunteers/{approved.id}").status_code == 200
    assert api.as_(outsider).get(f"/volunteers/{approved.id}").status_code == 200
    for status in ("pending", "refused", "suspended"):
        volunteer = make.volunteer([place.grid1], status=VolunteerStatus(status))
        path = f"/volunteers/{volunteer.id}"
        assert api.as_(volunteer.account_user).get(path).status_code == 200
        assert api.as_(place.office).get(path).status_code == 200
        assert api.get(path).status_code == 404
        assert api.as_(place.resident).get(path).status_code == 404
        assert api.as_(outsider).get(path).status_code == 404
    assert api.get("/volunteers/99999999999999999999").status_code == 404


def test_the_offices_decision_is_shown_only_to_him_and_his_office(api, make, place):
    volunteer = make.volunteer([place.grid1], status=VolunteerStatus.pending)
    api.as_(place.office).post(f"/volunteers/{volunteer.id}/approve", json={"reason": "已核实"})
    path = f"/volunteers/{volunteer.id}"
    assert api.as_(volunteer.account_user).get(path).json["decision_reason"] == "已核实"
    assert api.as_(place.office).get(path).json["decided_by_id"] == place.office.id
    public = api.as_(place.resident).get(path).json
    assert "decision_reason" not in public and "decided_by_id" not in public  # the public card
    worker = api.as_(place.grid_worker).get(path).json
    assert worker["decision_reason"] is None and worker["decided_by_id"] is None


def test_names_are_masked_for_the_public_until_he_chooses_otherwise(api, make, place):
    volunteer = make.volunteer([place.grid1], name="沈林益")
    path = f"/volunteers/{volunteer.id}"
    assert api.get(path).json["name"] == "沈**"
    assert api.as_(place.resident).get(path).json["name"] == "沈**"
    assert api.as_(make.office(make.community())).get(path).json["name"] == "沈**"
    assert api.as_(volunteer.account_user).get(path).json["name"] == "沈林益"
    assert api.as_(place.office).get(path).json["name"] == "沈林益"
    assert api.as_(place.grid_worker).get(path).json["name"] == "沈林益"

    chosen = api.as_(volunteer.account_user).patch("/me/volunteer", json={"show_full_name": True})
    assert chosen.json["show_full_name"] is True
    assert api.get(path).json["name"] == "沈林益"


def test_staff_list_their_communitys_volunteers(api, make, place):
    pending = make.volunteer([place.grid1], status=VolunteerStatus.pending)
    approved = make.volunteer([place.grid2])
    make.volunteer()  # in another community
    listed = api.as_(place.office).get("/volunteers?status=pending").json
    assert [v["id"] for v in listed["items"]] == [pending.id]
    assert listed["total"] == 1
    everyone = api.as_(place.office).get("/volunteers").json
    assert [v["id"] for v in everyone["items"]] == [pending.id, approved.id]
    by_grid = api.as_(place.office).get(f"/volunteers?grid_id={place.grid2.id}").json
    assert [v["id"] for v in by_grid["items"]] == [approved.id]
    # Grid workers hand requests to volunteers: they see the approved ones.
    seen = api.as_(place.grid_worker).get("/volunteers").json
    assert [v["id"] for v in seen["items"]] == [approved.id]
    assert api.as_(place.resident).get("/volunteers").status_code == 403
