"""Names the exported documents use, in Chinese (default) and English.

Exports are documents for the land bureau, written in one language chosen per export
(`lang="zh"` or `"en"`); each writer keeps its own column headings next to its code and
takes the shared domain names from here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from babel.support import Translations

# Headings every document uses (report, workbooks, KML balloons): written once here,
# each writer adds its own. The plan's fields first, then the plots'.
FIELDS = {
    "park": ("园区", "Park"), "plan": ("方案名称", "Plan"), "version": ("版本", "Version"),
    "status": ("状态", "Status"), "author": ("编制人", "Author"),
    "crs": ("坐标系", "Coordinate system"), "item": ("项目", "Item"), "reason": ("原因", "Reason"),
    "total": ("合计", "Total"), "unclassified": ("未分类", "Unclassified"),
    "plot": ("地块编号", "Plot"), "area": ("面积", "Area"), "land_class": ("地类", "Land class"),
    "owner": ("权属单位", "Owner"), "owner_type": ("权属性质", "Ownership"),
    "planned_use": ("规划用途", "Planned use"), "price_zone": ("区片", "Price zone"),
}

LAND_GROUPS = {
    "cultivated": ("耕地", "Cultivated land"),
    "agricultural": ("其他农用地", "Other agricultural land"),
    "construction": ("建设用地", "Construction land"),
    "unused": ("未利用地", "Unused land"),
}
FARMLAND = ("农用地", "Farmland")

OWNER_TYPES = {"collective": ("集体", "Collective"), "state": ("国有", "State")}

COMPONENTS = {
    "land": ("区片综合地价", "Land (zone price)"),
    "crops": ("青苗补偿", "Young crops"),
    "houses": ("地上附着物（房屋）", "Attachments (houses)"),
    "social_security": ("社会保障费用", "Social security"),
    "total": FIELDS["total"],
}

PLAN_STATUSES = {"draft": ("草稿", "Draft"), "submitted": ("已报批", "Submitted"),
                 "approved": ("已批准", "Approved")}

EXCLUSION_REASONS = {"requisitioned": ("已征收，不再列入", "already requisitioned, left out")}

UNITS = {"m2": ("平方米", "m²"), "mu": ("亩", "mu"), "ha": ("公顷", "ha"), "yuan": ("元", "yuan")}


def pick(pair: tuple[str, str], lang: str = "zh") -> str:
    """The Chinese or English member of a (zh, en) pair; unknown languages get Chinese."""
    return pair[1] if lang == "en" else pair[0]


def name(table: dict[str, tuple[str, str]], key: str | None, lang: str = "zh") -> str:
    """The name of `key` in one of the tables above; an unknown key is shown as itself."""
    if key in table:
        return pick(table[key], lang)
    return key or ""


def crs_name(gk_zone: int, gk_epsg: int, lonlat: bool = False, lang: str = "zh") -> str:
    """The CRS an export is in, by name and EPSG code: the park's zone-prefixed GK CRS, or
    WGS 84 lon/lat (GeoJSON, KML). Every export names it with these words."""
    if lonlat:
        return pick(("WGS 84 经纬度（EPSG:4326）", "WGS 84 longitude/latitude (EPSG:4326)"),
                    lang)
    return pick((f"2000国家大地坐标系 3度带 高斯-克吕格投影 第{gk_zone}带（EPSG:{gk_epsg}）",
                 f"CGCS2000 3-degree Gauss-Krüger zone {gk_zone} (EPSG:{gk_epsg})"), lang)


@functools.lru_cache(maxsize=2)
def _catalogue(lang: str) -> Callable[[str], str]:
    if lang != "zh":
        return str  # the message ids are the English names
    return Translations.load(Path(__file__).parents[1] / "translations", ["zh"]).gettext


def vocabulary_name(table: dict[str, str], key: str, lang: str = "zh") -> str:
    """The name of `key` in one of `app.labels`' vocabularies (English message ids), in
    `lang` from the app's translation catalogue, as documents written outside a request
    (the CLI, a frozen result) need it; an unknown key is shown as itself."""
    return _catalogue("en" if lang == "en" else "zh")(table[key]) if key in table else key
