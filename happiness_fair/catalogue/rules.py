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
