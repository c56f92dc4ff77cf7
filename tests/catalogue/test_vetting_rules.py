"""The office's vetting moves as a table: anything not listed is refused."""

import pytest

from happiness_fair.catalogue import rules
from happiness_fair.catalogue.models import VolunteerStatus

ALLOWED = {
    ("pending", "approve"): "approved",
    ("pending", "refuse"): "refused",
    ("approved", "suspend"): "suspended",
    ("suspended", "approve"): "approved",
    ("refused", "approve"): "approved",
}


@pytest.mark.parametrize("status", [s.value for s in VolunteerStatus])
@pytest.mark.parametrize("action", rules.VETTING_ACTIONS)
def test_vetting_moves_follow_the_table(status, action):
    assert rules.vetting_result(status, action) == ALLOWED.get((status, action))


def test_every_vetting_result_is_a_volunteer_status():
    assert {VolunteerStatus(after) for after in rules.VETTING_MOVES.values()}
