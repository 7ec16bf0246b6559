"""core/db.py helpers."""

from sqlalchemy import bindparam, create_engine, select
from sqlmodel import Field, Session, SQLModel

from crowdmock.core.db import read_columns


def test_read_columns_sees_the_sessions_pending_changes():
    """core/db.read_columns runs a prebuilt statement on the session's connection, after flushing what the ORM's
    autoflush would have."""

    class Pending(SQLModel, table=True):
        __tablename__ = "test_read_columns_pending"
        id: int | None = Field(default=None, primary_key=True)
        name: str

    engine = create_engine("sqlite://")
    Pending.metadata.create_all(engine, tables=[Pending.__table__])
    named = select(Pending.id).where(Pending.name == bindparam("name"))
    with Session(engine) as session:
        session.add(Pending(name="new"))
        assert read_columns(session, named, {"name": "new"}).scalars().all() == [1]
        session.rollback()
        assert read_columns(session, named, {"name": "new"}).scalars().all() == []
