"""JSON-field comparisons (app/core/dialect.py) are compiled once and cached, each use binding its own value."""

from sqlalchemy import JSON, Column, Integer, MetaData, Table, create_engine, insert, select

from crowdmock.core.dialect import json_field_is, json_field_is_param, json_field_params


def test_a_cached_json_comparison_binds_each_use_its_own_value():
    engine = create_engine("sqlite://")
    documents = Table("documents", MetaData(), Column("id", Integer, primary_key=True), Column("doc", JSON))
    documents.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(documents),
            [{"doc": {"name": "a"}}, {"doc": {"name": "b"}}, {"doc": {"name": 1}}, {"doc": {"name": "1"}}],
        )

        def ids(value) -> list[int]:
            query = select(documents.c.id).where(json_field_is(documents.c.doc, "name", value))
            return conn.execute(query).scalars().all()

        before = len(engine._compiled_cache)
        assert ids("a") == [1]
        compiled = len(engine._compiled_cache)
        assert compiled == before + 1  # cacheable
        assert [ids("b"), ids("1"), ids("c")] == [[2], [4], []]
        assert len(engine._compiled_cache) == compiled  # the first one's compiled statement, reused
        assert ids(1) == [3]  # a number matches a number only


def test_a_json_comparison_built_once_takes_its_value_as_parameters():
    engine = create_engine("sqlite://")
    documents = Table("documents", MetaData(), Column("id", Integer, primary_key=True), Column("doc", JSON))
    documents.metadata.create_all(engine)
    named = select(documents.c.id).where(json_field_is_param(documents.c.doc, "name", "wanted"))
    with engine.begin() as conn:
        rows = [{"name": "a"}, {"name": "b"}, {"name": 1}, {"name": "1"}, {"name": True}, {"name": 1.5}]
        conn.execute(insert(documents), [{"doc": doc} for doc in rows])

        def ids(value) -> list[int]:
            return conn.execute(named, json_field_params("wanted", value)).scalars().all()

        assert [ids("a"), ids("b"), ids("1"), ids("c")] == [[1], [2], [4], []]
        assert [ids(1), ids(True), ids(1.5)] == [[3], [5], [6]]  # each type matches its own only
