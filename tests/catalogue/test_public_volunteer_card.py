"""A volunteer's public card (issue 17, "Also"): anyone but himself and his community's staff
sees only what the catalogue needs, never his tags (在职党员), grids or account id."""

from __future__ import annotations

PUBLIC = {"id", "name", "bio", "category_ids", "star_level", "rating", "completed_count"}


def test_the_public_sees_the_card_and_staff_the_record(api, make):
    grid = make.grid()
    volunteer = make.volunteer([grid], name="沈林益", tags=("在职党员",))
    resident = make.resident(grid)
    for reader in (None, resident.account_user, make.volunteer([grid]).account_user):
        seen = api.as_(reader).get(f"/volunteers/{volunteer.id}")
        assert seen.status_code == 200
        assert set(seen.json) == PUBLIC, reader
        assert "在职党员" not in seen.get_data(as_text=True)
        assert seen.json["name"] == "沈**"
    for insider in (volunteer.account_user, make.office(grid.community_id)):
        seen = api.as_(insider).get(f"/volunteers/{volunteer.id}")
        assert seen.json["tags"] == ["在职党员"]
        assert seen.json["user_id"] == volunteer.user_id
        assert seen.json["grid_ids"] == [grid.id]
