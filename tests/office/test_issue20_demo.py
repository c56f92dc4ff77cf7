"""The demo shows issue 20's parts: a stall its volunteer withdrew on the coming fair day, and
沈师傅's certificate request waiting for the office; loading twice adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.demo import seed_demo
from happiness_fair.fairs.models import Stall
from happiness_fair.office.models import CertificateRequest


def test_the_demo_has_a_withdrawn_stall_and_a_waiting_certificate_request(database, in_app):
    with in_app() as session:
        seed_demo()
        session.commit()
        seed_demo()
        session.commit()
        withdrawn = (
            session.execute(sa.select(Stall).where(Stall.withdrawn_at.is_not(None))).scalars().all()
        )
        assert len(withdrawn) == 1 and withdrawn[0].withdraw_reason
        waiting = (
            session.execute(
                sa.select(CertificateRequest).where(CertificateRequest.status == "requested")
            )
            .scalars()
            .all()
        )
        assert len(waiting) == 1 and waiting[0].with_seal
