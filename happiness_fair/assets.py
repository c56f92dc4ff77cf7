"""Versioned static URLs: `url_for('static', filename=...)` gains `?v=<content hash>`.

Templates need no change: every static URL the app builds names the file's content, so browsers and
nginx may keep it for a year (`immutable`); a new release changes the hash and so the URL. A request
whose `v` is not the current hash (a page from before a release) is served fresh, never cached long.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, request

LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"


@lru_cache(maxsize=512)
def _hash_of(path: str, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def static_version(app: Flask, filename: str) -> str | None:
    """The content hash of a file under static/, or None when there is no such file."""
    root = os.path.realpath(app.static_folder or "")
    path = os.path.realpath(os.path.join(root, filename))
    if not path.startswith(root + os.sep):
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _hash_of(path, stat.st_mtime_ns, stat.st_size)


def init_app(app: Flask) -> None:
    @app.url_defaults
    def _version_static(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = static_version(app, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _cache_static(response):
        if request.endpoint == "static" and response.status_code in {200, 304}:
            wanted = request.args.get("v")
            current = static_version(app, (request.view_args or {}).get("filename", ""))
            response.headers["Cache-Control"] = LONG if wanted and wanted == current else SHORT
        return response
