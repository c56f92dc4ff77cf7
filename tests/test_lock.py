"""The lock files (requirements/, made by scripts/lock with pip-tools) cover pyproject.toml: every
dependency is pinned to a version pyproject allows, with hashes, and the test lock holds the same
pins as the runtime lock. A dependency added to pyproject without running scripts/lock fails here,
so production, scripts/start, scripts/test and CI can never install something unlocked."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    return {canonicalize_name(n): v for n, v in PIN.findall(text)}


def _extra_requirements(requirement: Requirement) -> list[Requirement]:
    """What `name[extra]` adds (psycopg[binary] -> psycopg-binary), from the installed metadata."""
    try:
        declared = importlib.metadata.requires(requirement.name) or []
    except importlib.metadata.PackageNotFoundError:
        return []
    added = []
    for line in declared:
        req = Requirement(line)
        wanted = req.marker and any(req.marker.evaluate({"extra": e}) for e in requirement.extras)
        if wanted and not req.marker.evaluate({"extra": ""}):
            added.append(req)
    return added


LOCKS = {
    "runtime.txt": lambda project: project["dependencies"],
    "test.txt": lambda project: [
        *project["dependencies"],
        *project["optional-dependencies"]["test"],
    ],
}


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pyproject_dependency_is_pinned_in_the_lock_to_an_allowed_version(lock):
    pins = _pins(lock)
    problems = []
    for line in LOCKS[lock](_project()):
        requirement = Requirement(line)
        for req in [requirement, *_extra_requirements(requirement)]:
            name = canonicalize_name(req.name)
            if name not in pins:
                problems.append(f"{req} is not in requirements/{lock}: run scripts/lock")
            elif not req.specifier.contains(pins[name], prereleases=True):
                problems.append(f"{name}=={pins[name]} is outside {req}: run scripts/lock")
    assert problems == []


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_carries_its_hashes(lock):
    text = (ROOT / "requirements" / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1])
    unhashed = [e.split()[0] for e in entries if PIN.match(e.strip()) and "--hash=sha256:" not in e]
    assert unhashed == [] and len(entries) > 10


# The Pythons production runs on: Debian 12 (bookworm) and Debian 13 (trixie).
DEBIAN_PYTHONS = {"debian-12": ("3.11", "3.11.2"), "debian-13": ("3.13", "3.13.5")}


@pytest.mark.parametrize("lock", sorted(LOCKS))
@pytest.mark.parametrize("debian", sorted(DEBIAN_PYTHONS))
def test_debian_s_python_finds_everything_it_needs_in_the_lock(lock, debian):
    """pip --require-hashes refuses a needed package that is not pinned. A lock made on a newer
    Python once left out async-timeout, which redis needs below 3.11.3 (Debian 12: 3.11.2)."""
    version, full = DEBIAN_PYTHONS[debian]
    environment = {**default_environment(), "python_version": version}
    environment.update(python_full_version=full, implementation_version=full, extra="")
    pins = _pins(lock)
    missing = []
    for name in pins:
        try:
            declared = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue  # not installed here (a platform's own package): nothing to read
        for line in declared:
            req = Requirement(line)
            needed = req.marker is None or req.marker.evaluate(environment)
            if needed and canonicalize_name(req.name) not in pins:
                missing.append(f"{name} needs {req} on {debian}")
    assert missing == [], "run scripts/lock with Debian 12's /usr/bin/python3"


def test_the_test_lock_installs_exactly_the_runtime_pins():
    runtime, test = _pins("runtime.txt"), _pins("test.txt")
    assert {name: test.get(name) for name in runtime} == runtime


def test_every_install_uses_the_lock():
    """Production (DEPLOY.md), scripts/start, scripts/test and CI install from the lock."""
    for path in ("scripts/start", "scripts/test", ".ci/run", "docs/DEPLOY.md"):
        text = (ROOT / path).read_text()
        assert "--require-hashes -r" in text, path
        assert "--no-deps -e ." in text, path
        assert not re.search(r"pip install (-q )?-e \.", text), path  # no unlocked install left
