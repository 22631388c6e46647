"""The store: named migrations recorded in the database, and all-or-nothing transactions."""

from __future__ import annotations

import duckdb
import pytest

from horizon.errors import HorizonError
from horizon.store import connect, migrations, transaction


def test_migrations_are_applied_in_order_and_recorded_by_name(tmp_path):
    con = connect(tmp_path / "h.duckdb")
    recorded = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY number").fetchall()]
    assert recorded == [m.name for m in migrations()]
    assert recorded[0] == "0001_store"


def test_reopening_applies_nothing_twice(tmp_path):
    connect(tmp_path / "h.duckdb").close()
    con = connect(tmp_path / "h.duckdb")
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(migrations())


def test_a_database_from_a_newer_horizon_is_refused(tmp_path):
    con = connect(tmp_path / "h.duckdb")
    con.execute("INSERT INTO schema_migrations (number, name) VALUES (9999, '9999_from_the_future')")
    con.close()
    with pytest.raises(HorizonError, match="9999_from_the_future"):
        connect(tmp_path / "h.duckdb")


def test_a_failing_transaction_leaves_nothing_behind(con):
    with pytest.raises(duckdb.Error):
        with transaction(con):
            con.execute("INSERT INTO models VALUES ('x', 'X', NULL, NULL, false)")
            con.execute("INSERT INTO models VALUES ('x', 'X again', NULL, NULL, false)")
    assert con.execute("SELECT count(*) FROM models").fetchone()[0] == 0


def test_a_read_only_reader_of_an_older_database_is_told_how_to_upgrade_it(tmp_path):
    con = connect(tmp_path / "h.duckdb")
    con.execute("DELETE FROM schema_migrations WHERE number = (SELECT max(number) FROM schema_migrations)")
    con.close()
    newest = migrations()[-1].name
    with pytest.raises(HorizonError, match=f"lacks migrations {newest}; run `horizon update`"):
        connect(tmp_path / "h.duckdb", read_only=True)
