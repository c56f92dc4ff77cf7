"""A known or short SECRET_KEY is refused at start-up (anyone who knows the key can sign a session
cookie as any user); the embedded default's generated key and the tests' own key still work."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from happiness_fair import create_app
from happiness_fair.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
HOW = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


def _env_example_key() -> str:
    text = (ROOT / "deploy" / "env.example").read_text()
    return re.search(r"^SECRET_KEY=(.*)$", text, re.MULTILINE).group(1).strip()


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/hf")
    return monkeypatch


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("change-me", "placeholder 'change-me'"),
        ("CHANGE-ME", "placeholder"),
        ("x" * 31, "has 31 characters; it needs at least 32"),
        ("test-secret", "has 11 characters"),
    ],
)
def test_a_placeholder_or_a_short_key_is_refused_with_how_to_make_one(
    production, tmp_path, key, says
):
    production.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError) as refused:
        load_config(str(tmp_path))
    message = str(refused.value)
    assert says in message and HOW in message and "\n" not in message


def test_the_placeholder_env_example_ships_is_refused(production, tmp_path):
    production.setenv("SECRET_KEY", _env_example_key())
    with pytest.raises(ConfigError, match="placeholder"):
        load_config(str(tmp_path))


def test_a_long_random_key_is_accepted(production, tmp_path):
    production.setenv("SECRET_KEY", "k" * 32)
    assert load_config(str(tmp_path))["SECRET_KEY"] == "k" * 32


def test_a_missing_key_with_a_database_says_how_to_make_one(production, tmp_path):
    production.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match=re.escape(HOW)):
        load_config(str(tmp_path))


def test_the_embedded_default_generates_a_key_that_passes(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(str(tmp_path))["SECRET_KEY"]
    assert len(first) >= 32
    assert load_config(str(tmp_path))["SECRET_KEY"] == first  # kept in the instance folder
    monkeypatch.setenv("SECRET_KEY", first)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/hf")
    load_config(str(tmp_path))  # the generated key would pass the production check too


def test_tests_keep_their_own_short_key_under_testing(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    assert app.config["SECRET_KEY"] == "test-secret"


@pytest.mark.parametrize("key", ["change-me", "too-short"])
def test_the_operating_commands_stop_with_one_line_not_a_traceback(tmp_path, key):
    env = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "FLASK_APP", "DATABASE_URL"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY=key,
        HF_INSTANCE_PATH=str(tmp_path / "instance"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "init-db"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Happiness Fair cannot start: SECRET_KEY")
    assert HOW in lines[0]
