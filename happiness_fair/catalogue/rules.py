"""The shared categories: codes the API fixes, names in both languages, display order."""

from __future__ import annotations

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
CATEGORY_CODES = tuple(code for code, _, _ in CATEGORIES)

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
