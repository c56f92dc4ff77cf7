"""Concern pages (filled in below)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("concerns", __name__)
