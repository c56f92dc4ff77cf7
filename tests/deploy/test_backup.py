"""deploy/backup.sh makes a dump that pg_restore brings back (docs/DEPLOY.md "Backups")."""

from __future__ import annotations

import os
import subprocess

import pytest
import sqlalchemy as sa

from .production import ROOT, flask, production_env

pytestmark = pytest.mark.slow


def test_a_backup_restores_what_was_lost(fresh_database_url, tmp_path):
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("backups are of PostgreSQL; this run is on SQLite")
    env = production_env(fresh_database_url, tmp_path / "instance")
    assert flask(env, "init-db").returncode == 0
    places = ROOT / "deploy" / "places.example.csv"
    assert flask(env, "import-places", str(places), "--community", "幸福社区").returncode == 0

    backups = tmp_path / "backups"
    old = backups / "happiness-fair-20000101T000000Z.dump"
    backups.mkdir()
    old.write_bytes(b"old")
    os.utime(old, (0, 0))
    made = subprocess.run(
        [str(ROOT / "deploy" / "backup.sh")],
        env={**env, "BACKUP_DIR": str(backups), "BACKUP_KEEP_DAYS": "14"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    (dump,) = backups.glob("happiness-fair-*.dump")  # the old one is gone, no .part is left
    assert dump != old and oct(dump.stat().st_mode & 0o777) == "0o600"

    engine = sa.create_engine(fresh_database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM buildings")
        restored = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", fresh_database_url, dump],
            capture_output=True,
            text=True,
            check=False,
        )
        assert restored.returncode == 0, restored.stderr
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM buildings").scalar() == 4
    finally:
        engine.dispose()
