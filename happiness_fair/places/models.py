"""What a place is: communities, their grids, compounds and buildings."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Community(db.Model):
    """A community (社区): the boundary of everyone's data."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    street: Mapped[str] = mapped_column(sa.String(80), default="")  # 街道
    district: Mapped[str] = mapped_column(sa.String(80), default="")  # 区
    city: Mapped[str] = mapped_column(sa.String(80), default="")
    # The 负责人 the office names for volunteer service: the person in charge of an hours record
    # when neither a confirming staff member nor a grid worker of its grid answers for it.
    person_in_charge: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")

    @property
    def office_name(self) -> str:
        """The organising unit of its volunteer service (order 67 art. 7): the community's
        residents' committee, as it signs a certificate."""
        return f"{self.street}{self.name}居民委员会"


class Grid(db.Model):
    """A grid (网格): where work is given and counted; has grid workers."""

    __tablename__ = "grids"
    __table_args__ = (sa.UniqueConstraint("community_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(80))

    community: Mapped[Community] = relationship(lazy="raise")


class Compound(db.Model):
    """A residential compound (小区)."""

    __tablename__ = "compounds"
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))


class Building(db.Model):
    """A building (幢); its grid is where its residents are served."""

    __tablename__ = "buildings"
    __table_args__ = (sa.UniqueConstraint("compound_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    compound_id: Mapped[int] = mapped_column(sa.ForeignKey("compounds.id"), index=True)
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grids.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(40))  # "152幢"

    compound: Mapped[Compound] = relationship(lazy="joined", innerjoin=True)
    grid: Mapped[Grid] = relationship(lazy="raise")
