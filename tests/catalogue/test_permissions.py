"""Who may do what in the catalogue: every role against every endpoint.

404 to someone who may not see the thing, 403 to someone who sees it but whose role can never do
this, 401 when signing in would be needed.
"""

from types import SimpleNamespace

import pytest

from happiness_fair.catalogue.models import VolunteerStatus

ROLES = (
    "anonymous",
    "resident",
    "applicant",
    "volunteer",
    "other_volunteer",
    "grid_worker",
    "office",
    "other_office",
)

# (method, path, body, {role: status}); roles left out of a row are not asked.
TABLE = [
    ("GET", "/categories", None, dict.fromkeys(ROLES, 200)),
    (
        "POST",
        "/me/volunteer",
        "application",
        {"anonymous": 401, "resident": 201, "applicant": 409, "volunteer": 409, "office": 201},
    ),
    (
        "PATCH",
        "/me/volunteer",
        {"bio": "周末有空"},
        {"anonymous": 401, "resident": 404, "applicant": 200, "volunteer": 200},
    ),
    ("GET", "/volunteers/{approved}", None, dict.fromkeys(ROLES, 200)),
    (
        "GET",
        "/volunteers/{pending}",
        None,
        dict.fromkeys(ROLES, 404) | {"applicant": 200, "office": 200},
    ),
    (
        "GET",
        "/volunteers",
        None,
        {"anonymous": 401, "resident": 403, "volunteer": 403, "grid_worker": 200, "office": 200},
    ),
    *[
        (
            "POST",
            f"/volunteers/{{{subject}}}/{action}",
            {"reason": "理由"},
            {
                "anonymous": 401,
                "resident": 403,
                "applicant": 403,
                "volunteer": 403,
                "grid_worker": 403,
                "office": 200,
                "other_office": 404,
            },
        )
        for subject, action in (
            ("pending", "approve"),
            ("pending", "refuse"),
            ("approved", "suspend"),
        )
    ],
    (
        "PATCH",
        "/volunteers/{approved}",
        {"tags": ["在职党员"]},
        {
            "anonymous": 401,
            "resident": 403,
            "volunteer": 403,
            "grid_worker": 403,
            "office": 200,
            "other_office": 404,
        },
    ),
    ("GET", "/listings", None, dict.fromkeys(ROLES, 200)),
    (
        "POST",
        "/listings",
        "listing",
        {"anonymous": 401, "resident": 403, "applicant": 403, "volunteer": 201, "office": 403},
    ),
    ("GET", "/listings/{listing}", None, dict.fromkeys(ROLES, 200)),
    (
        "GET",
        "/listings/{withdrawn}",
        None,
        dict.fromkeys(ROLES, 404) | {"volunteer": 200, "office": 200},
    ),
    (
        "PATCH",
        "/listings/{listing}",
        {"fee_fen": 0},
        dict.fromkeys(ROLES, 403) | {"anonymous": 401, "volunteer": 200},
    ),
    (
        "PATCH",
        "/listings/{withdrawn}",
        {"title": "重新上架"},
        dict.fromkeys(ROLES, 404) | {"anonymous": 401, "volunteer": 200, "office": 403},
    ),
    (
        "DELETE",
        "/listings/{listing}",
        None,
        dict.fromkeys(ROLES, 403) | {"anonymous": 401, "volunteer": 204, "office": 204},
    ),
    (
        "DELETE",
        "/listings/{withdrawn}",
        None,
        dict.fromkeys(ROLES, 404) | {"anonymous": 401, "volunteer": 204, "office": 204},
    ),
]

CASES = [
    pytest.param(role, method, path, body, expected, id=f"{role}-{method}-{path}")
    for method, path, body, statuses in TABLE
    for role, expected in statuses.items()
]


@pytest.fixture
def world(make):
    community = make.community()
    grid = make.grid(community)
    approved = make.volunteer([grid], categories=("plumbing",))
    pending = make.volunteer([grid], status=VolunteerStatus.pending)
    users = {
        "anonymous": None,
        "resident": make.user(community=community),
        "applicant": pending.account_user,
        "volunteer": approved.account_user,
        "other_volunteer": make.volunteer([grid]).account_user,
        "grid_worker": make.grid_worker(grid),
        "office": make.office(community),
        "other_office": make.office(make.community()),
    }
    ids = {
        "approved": approved.id,
        "pending": pending.id,
        "listing": make.listing(approved).id,
        "withdrawn": make.listing(approved, active=False).id,
    }
    bodies = {
        "application": {
            "bio": "",
            "category_ids": [make.category("digital").id],
            "grid_ids": [grid.id],
        },
        "listing": {
            "category_id": make.category("plumbing").id,
            "title": "修水龙头",
            "fee_fen": 2000,
            "duration_minutes": 30,
            "modes": ["home"],
        },
    }
    return SimpleNamespace(users=users, ids=ids, bodies=bodies)


@pytest.mark.parametrize(("role", "method", "path", "body", "expected"), CASES)
def test_who_may_do_what_in_the_catalogue(api, world, role, method, path, body, expected):
    caller = api.as_(world.users[role])
    if isinstance(body, str):
        body = world.bodies[body]
    kwargs = {"json": body} if body is not None else {}
    response = getattr(caller, method.lower())(path.format(**world.ids), **kwargs)
    assert response.status_code == expected, response.get_json()
