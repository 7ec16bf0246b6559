"""JSON-field comparisons (app/core/dialect.py) are compiled once and cached, each use binding its own value."""

from sqlalchemy import JSON, Column, Integer, MetaData, Table, create_engine, insert, select

from crowdmock.core.dialect import json_field_is


def test_a_cached_json_comparison_binds_each_use_its_own_value():
    engine = create_engine("sqlite://")
    documents = Table("documents", MetaData(), Column("id", Integer, primary_key=True), Column("doc", JSON))
    documents.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(documents),
            [{"doc": {"name": "a"}}, {"doc": {"name": "b"}}, {"doc": {"name": 1}}, {"doc": {"name": "1"}}],
        )
        cached = len(engine._compiled_cache)
        found = {
            repr(value): conn.execute(select(documents.c.id).where(json_field_is(documents.c.doc, "name", value)))
            .scalars()
            .all()
            for value in ("a", "b", 1, "1", "c")
        }
        assert len(engine._compiled_cache) == cached + 1  # one compiled statement, used five times
    assert found == {"'a'": [1], "'b'": [2], "1": [3], "'1'": [4], "'c'": []}
