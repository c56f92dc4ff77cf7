"""An approved volunteer is told he is one wherever his account is shown."""

from tests.factories import PASSWORD


def test_token_and_me_both_name_the_volunteer_role_once_approved(api, make):
    volunteer = make.volunteer()
    token = api.post(
        "/auth/tokens", json={"phone": volunteer.account_user.phone, "password": PASSWORD}
    )
    assert "volunteer" in token.json["user"]["roles"]
    me = api.get("/me", headers={"Authorization": f"Bearer {token.json['token']}"}).json
    assert "volunteer" in me["roles"] and me["volunteer"]["status"] == "approved"


def test_a_pending_applicant_is_not_yet_a_volunteer(api, make):
    from happiness_fair.catalogue.models import VolunteerStatus

    pending = make.volunteer(status=VolunteerStatus.pending)
    me = api.as_(pending.account_user).get("/me").json
    assert "volunteer" not in me["roles"] and me["volunteer"]["status"] == "pending"
