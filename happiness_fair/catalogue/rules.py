"""The catalogue's pure rules: the shared categories (codes the API fixes, names in both
languages, display order), vetting moves, a volunteer's name as the public sees it and his star
level for the hours he has given."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from itertools import pairwise

CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("plumbing", "水电维修", "Plumbing & electrics"),
    ("appliance", "家电维修", "Appliance repair"),
    ("locks", "修锁配钥匙", "Locks & keys"),
    ("knives", "磨刀", "Knife sharpening"),
    ("haircut", "理发", "Haircuts"),
    ("mending", "缝补", "Clothes mending"),
    ("shoes_umbrellas", "修鞋修伞", "Shoes & umbrellas"),
    ("watches_glasses", "钟表眼镜", "Watches & glasses"),
    ("digital", "手机电脑", "Phone & computer help"),
    ("other", "其他", "Other"),
)

# Where a listing's service is given: a home visit (上门) and/or a fair stall (集市).
MODES: tuple[str, ...] = ("home", "fair")

APPROVE, REFUSE, SUSPEND = "approve", "refuse", "suspend"
VETTING_ACTIONS: tuple[str, ...] = (APPROVE, REFUSE, SUSPEND)

# The office's vetting moves: (status now, action) → status after. Suspended volunteers are
# reinstated and refused ones may be approved later; nothing else moves (409).
VETTING_MOVES: dict[tuple[str, str], str] = {
    ("pending", APPROVE): "approved",
    ("pending", REFUSE): "refused",
    ("approved", SUSPEND): "suspended",
    ("suspended", APPROVE): "approved",
    ("refused", APPROVE): "approved",
}


def vetting_result(status: str, action: str) -> str | None:
    """The status a vetting action leads to from this status, or None when it is not allowed."""
    return VETTING_MOVES.get((str(status), str(action)))


# 《中国社区志愿者注册管理办法》 art. 18: 一星 … 五星 at these cumulative verified hours.
DEFAULT_STAR_THRESHOLDS_HOURS: tuple[int, ...] = (100, 300, 600, 1000, 1500)


def check_star_thresholds(thresholds_hours: Sequence[int]) -> None:
    """Refuse thresholds that are not positive and rising (configuration is checked at start)."""
    if any(h <= 0 for h in thresholds_hours) or any(a >= b for a, b in pairwise(thresholds_hours)):
        raise ValueError(f"star thresholds must be positive and rising: {thresholds_hours}")


def star_level(
    verified_minutes: int, thresholds_hours: Sequence[int] = DEFAULT_STAR_THRESHOLDS_HOURS
) -> int:
    """Service-hours stars earned (0 = none yet) by cumulative verified minutes; thresholds are
    configuration because local schemes differ (Beijing: 100/200/500/800/1000)."""
    if verified_minutes < 0:
        raise ValueError(f"verified minutes cannot be negative: {verified_minutes}")
    return bisect.bisect_right(_marks_in_minutes(tuple(thresholds_hours)), verified_minutes)


@functools.cache
def _marks_in_minutes(thresholds_hours: tuple[int, ...]) -> tuple[int, ...]:
    """The thresholds, checked, in minutes: worked out once (a ranking asks for every row)."""
    check_star_thresholds(thresholds_hours)
    return tuple(hours * 60 for hours in thresholds_hours)


def mask_name(name: str) -> str:
    """The public name of a volunteer who has not chosen to show it in full: the first
    character, then one * per remaining non-space character (at least one), so "沈林益" → "沈**",
    "李明" → "李*", "John Smith" → "J********" and a one-character name is not shown whole."""
    name = name.strip()
    if not name:
        return ""
    hidden = sum(1 for ch in name[1:] if not ch.isspace())
    return name[0] + "*" * max(1, hidden)


def public_name(name: str, full: bool) -> str:
    """A volunteer's name as shown: whole when he chose so (or the viewer may see it), else 沈**."""
    return name if full else mask_name(name)
