"""core/db.py helpers."""

import pytest
from sqlalchemy import JSON, Column, bindparam, create_engine, select
from sqlmodel import Field, Session, SQLModel

from crowdmock.core.db import TableModel, insert_row, new_row, read_columns


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


def test_insert_row_writes_after_pending_changes_and_sets_the_generated_key():
    """core/db.insert_row: one INSERT after what the session had pending (so ids follow the order of the code), the
    row's generated key set on it, a given key kept; the row stays out of the session."""

    class Inserted(SQLModel, table=True):
        __tablename__ = "test_insert_row"
        id: int | None = Field(default=None, primary_key=True)
        name: str

    class Named(SQLModel, table=True):
        __tablename__ = "test_insert_row_named"
        code: str = Field(primary_key=True)
        label: str = "none"

    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine, tables=[Inserted.__table__, Named.__table__])
    with Session(engine) as session:
        session.add(Inserted(name="pending"))
        row = Inserted(name="core")
        insert_row(session, row)
        assert row.id == 2 and row not in session
        named = Named(code="x")
        insert_row(session, named)
        assert named.code == "x"
        session.commit()
        assert session.exec(select(Inserted.id, Inserted.name).order_by(Inserted.id)).all() == [
            (1, "pending"),
            (2, "core"),
        ]
        assert session.exec(select(Named.code, Named.label)).all() == [("x", "none")]


def test_new_row_is_the_row_the_constructor_makes():
    """core/db.new_row: the same fields, defaults (a fresh list per row from a factory), set fields and dump as the
    table model's constructor; the ORM writes it and reads it back like any new row."""

    class Made(TableModel, table=True):
        __tablename__ = "test_new_row"
        id: int | None = Field(default=None, primary_key=True)
        name: str
        size: int = 3
        flag: bool = False
        note: str | None = None
        tags: list = Field(default_factory=list, sa_column=Column(JSON))

    def fields(row: Made) -> dict:
        return {k: v for k, v in row.__dict__.items() if k != "_sa_instance_state"}

    assert not Made.__pydantic_complete__  # TableModel: the validator and serializer wait for their first use
    built, made = new_row(Made, name="a", size=5), Made(name="a", size=5)
    assert (
        fields(built) == fields(made) == {"id": None, "name": "a", "size": 5, "flag": False, "note": None, "tags": []}
    )
    assert built.model_fields_set == made.model_fields_set == {"name", "size"}
    assert built.model_dump() == made.model_dump()
    assert new_row(Made, name="b").tags is not built.tags
    assert fields(new_row(Made)) == {"id": None, "size": 3, "flag": False, "note": None, "tags": []}  # `name` unset
    with pytest.raises(TypeError, match="Made has no field colour"):
        new_row(Made, name="d", colour="red")

    built.note, built.tags = "changed", ["x"]
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine, tables=[Made.__table__])
    with Session(engine) as session:
        session.add(built)
        insert_row(session, new_row(Made, name="c"))
        session.commit()
        rows = session.exec(select(Made.id, Made.name, Made.size, Made.note, Made.tags).order_by(Made.id)).all()
    assert [tuple(r) for r in rows] == [(1, "a", 5, "changed", ["x"]), (2, "c", 3, None, [])]


def test_a_row_from_new_row_is_a_full_row_before_any_query():
    """A process whose first use of a model is `new_row` (a worker whose first request is a create): the model's
    mapper is configured then, as the constructor or a query would, so setting a field goes through the ORM."""

    class Early(TableModel, table=True):
        __tablename__ = "test_new_row_early"
        id: int | None = Field(default=None, primary_key=True)
        name: str = ""

    row = new_row(Early, name="a")
    row.name = "b"
    assert row.name == "b" and row.model_fields_set == {"name"}
