"""The run-level fit the site shows and `horizon update` keeps is the canonical one (METR's
defaults on the newest runs snapshot), never whichever fit ran last."""

from __future__ import annotations

import json

from horizon.store import connect
from tests.conftest import copy_of_updated, run_cli


def test_an_exploratory_fit_changes_neither_the_models_page_nor_what_update_keeps(updated, tmp_path):
    from horizon.fit.store import canonical_run_fit_id
    from horizon.report.data import fit_horizon_rows

    root, env, doc = updated
    db = copy_of_updated(updated, tmp_path)
    canonical = doc["stages"]["fit"]["fit_id"]
    quick = run_cli("--db", db, "fit", "--bootstrap", "50", "--seed", "3", "--json", env=env)
    assert quick.exit_code == 0, quick.output
    con = connect(db, read_only=True)
    try:
        newest = con.execute("SELECT max(fit_id) FROM fits WHERE kind = 'run_horizons'").fetchone()[0]
        assert newest != canonical
        assert canonical_run_fit_id(con) == canonical
        assert {r.fit_id for r in fit_horizon_rows(con)} == {canonical}
    finally:
        con.close()
    again = run_cli("--db", db, "update", "--json", env=env)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["stages"]["fit"] == {"status": "unchanged", "fit_id": canonical}
