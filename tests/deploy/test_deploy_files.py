"""The deploy files agree with each other and with docs/DEPLOY.md: env.example names every setting
the guide says it does, the backup unit may write where BACKUP_DIR points, the nightly backup runs
at 03:30 Beijing time on a machine in any time zone, and backup.sh says so when it cannot write."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from .production import ROOT

DEPLOY = ROOT / "deploy"
GUIDE = (ROOT / "docs" / "DEPLOY.md").read_text()


def _env_example() -> dict[str, str]:
    """Every setting of env.example, commented-out ones too (#NAME=value)."""
    text = (DEPLOY / "env.example").read_text()
    return dict(re.findall(r"^#?([A-Z][A-Z0-9_]+)=(.*)$", text, re.MULTILINE))


def test_env_example_names_every_setting_the_guide_says_it_does():
    table = re.findall(r"^\| (`[A-Z_`, ]+`) \| .* \| (.+) \|$", GUIDE, re.MULTILINE)
    assert len(table) > 10
    settings = _env_example()
    missing = [
        name
        for names, column in table
        if column.strip() != "—"
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", names)
        if name not in settings
    ]
    assert missing == []
    for name in ("GUNICORN_TIMEOUT", "RATELIMIT_ENABLED", "BACKUP_DIR", "ICP_BEIAN"):
        assert name in settings


def test_the_backup_unit_may_write_where_backup_dir_points():
    unit = (DEPLOY / "systemd" / "happiness-fair-backup.service").read_text()
    assert "Environment=BACKUP_DIR" not in unit  # one place says where: the environment file
    writable = re.findall(r"^ReadWritePaths=(.+)$", unit, re.MULTILINE)
    assert writable == [_env_example()["BACKUP_DIR"]]
    assert "ProtectSystem=strict" in unit


def test_the_nightly_backup_runs_at_half_past_three_beijing_time():
    timer = (DEPLOY / "systemd" / "happiness-fair-backup.timer").read_text()
    (calendar,) = re.findall(r"^OnCalendar=(.+)$", timer, re.MULTILINE)
    assert calendar == "*-*-* 03:30:00 Asia/Shanghai"
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    checked = subprocess.run(
        ["systemd-analyze", "calendar", calendar],
        capture_output=True,
        text=True,
        check=False,
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
    )
    assert checked.returncode == 0, checked.stderr
    # On a UTC machine the next run is 19:30 UTC, which is 03:30 in Beijing.
    assert re.search(r"Next elapse: .* 19:30:00 UTC", checked.stdout), checked.stdout


def test_backup_sh_says_in_one_line_when_it_cannot_write(tmp_path):
    made = subprocess.run(
        [str(DEPLOY / "backup.sh")],
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "postgresql:///nothing",
            "BACKUP_DIR": "/dev/null/backups",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 1
    assert made.stderr.startswith("backup: cannot write to BACKUP_DIR=/dev/null/backups.")
    assert "ReadWritePaths=" in made.stderr and len(made.stderr.splitlines()) == 1


def test_the_guide_makes_the_state_directory_before_the_user_and_installs_jq():
    state = GUIDE.index("install -d -m 0750 /var/lib/happiness-fair")
    assert state < GUIDE.index("adduser --system")
    packages = re.search(r"apt-get install -y (.+)", GUIDE).group(1).split()
    assert "jq" in packages and "jq '" in GUIDE


def test_restoring_to_a_new_machine_stops_nothing_that_does_not_exist_yet():
    section = GUIDE[GUIDE.index("To a new machine") : GUIDE.index("## 10.")]
    assert "systemctl stop" not in section
    assert section.index("pg_restore") < section.index("init-db") < section.index("step 6")
