"""Field mapping: which source field fills which ParkAtlas field, guessed from the names
common in Chinese land data (地块编号/DKBH/ZDDM …), confirmed or changed by the user, and
saved per park for the next delivery from the same surveyor.

A mapping is {"fields": {source field: ParkAtlas field}, "area_unit": "m2" | "mu" | "ha"};
the declared area (面积/MJ/TBMJ) is converted to m² with that unit (亩 = 10 000/15 m²,
公顷 = 10 000 m²), taken from the field's name (面积_亩, MJ(公顷)) unless the user says.
Values are converted to the types the layer's checks (`importer.FIELDS`) expect; those
checks, and their messages, are the loader's own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import psycopg

from .. import importer
from ..db import queries, transaction
from ..errors import BadRequest, NotFound, Text
from ..labels import N_

LAYERS = ("plots", "roads", "networks", "zones")
DECLARED_AREA = "declared_area"  # not a column: checked against the GK area, then dropped
LAND_CLASS_NAME = "land_class_name"  # 地类名称: shown, not stored (the code names it)
NOT_STORED = frozenset({DECLARED_AREA, LAND_CLASS_NAME})

# ParkAtlas field → the source names that mean it (compared upper-case, without spaces,
# brackets and units), per layer. Pinyin initials as the surveying institutes write them.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "plots": {
        "code": ("CODE", "地块编号", "地块编码", "地块代码", "宗地代码", "宗地编号", "宗地号",
                 "DKBH", "DKDM", "ZDDM", "ZDH", "ZDBH", "BH"),
        "name": ("NAME", "地块名称", "宗地名称", "名称", "DKMC", "ZDMC", "MC"),
        "land_class": ("LAND_CLASS", "地类编码", "地类代码", "地类号", "DLBM", "DLDM"),
        LAND_CLASS_NAME: ("地类名称", "地类", "DLMC"),
        "owner": ("OWNER", "权属单位", "权属单位名称", "权利人", "QSDWMC", "QSDW", "QLR"),
        "owner_type": ("OWNER_TYPE", "权属性质", "QSXZ"),
        DECLARED_AREA: ("AREA", "面积", "地块面积", "宗地面积", "图斑面积", "MJ", "TBMJ",
                        "ZDMJ", "DKMJ", "SHAPE_AREA"),
        "planned_use": ("PLANNED_USE", "用地性质", "规划用途", "规划用地性质", "YDXZ", "GHYT"),
        "land_user": ("LAND_USER", "用地单位", "土地使用者", "使用权人", "YDDW", "TDSYZ"),
        "contract_no": ("CONTRACT_NO", "合同编号", "出让合同编号", "HTBH"),
        "zone": ("ZONE", "片区", "片区编号", "分区", "PQBH"),
    },
    "roads": {
        "name": ("NAME", "道路名称", "路名", "名称", "DLMC", "LM", "MC"),
        "class": ("CLASS", "道路等级", "等级", "DLDJ", "DJ"),
        "width_m": ("WIDTH", "WIDTH_M", "路宽", "道路宽度", "宽度", "红线宽度", "LK", "KD", "DLKD"),
        "status": ("STATUS", "状态", "建设状态", "现状", "ZT", "JSZT"),
        "planned_completion": ("PLANNED_COMPLETION", "计划完成", "计划建成时间", "JHWC"),
    },
    "networks": {
        "utility": ("UTILITY", "管线类型", "管线类别", "管线种类", "专业", "GXLX", "GXLB"),
        "subtype": ("SUBTYPE", "子类", "管径", "规格", "GJ", "ZL"),
        "name": ("NAME", "名称", "管线名称", "GXMC", "MC"),
        "status": ("STATUS", "状态", "建设状态", "现状", "ZT", "JSZT"),
        "planned_completion": ("PLANNED_COMPLETION", "计划完成", "计划建成时间", "JHWC"),
    },
    "zones": {
        "code": ("CODE", "分区编号", "片区编号", "编号", "FQBH", "PQBH", "BH"),
        "name": ("NAME", "分区名称", "片区名称", "名称", "FQMC", "PQMC", "MC"),
        "name_en": ("NAME_EN", "英文名称", "YWMC"),
    },
}

# The words of the vocabularies as Chinese files write them.
VALUES: dict[str, dict[str, str]] = {
    "owner_type": {"集体": "collective", "集体土地": "collective", "集体所有": "collective",
                   "国有": "state", "国有土地": "state", "国家所有": "state", "30": "collective",
                   "20": "state", "10": "state"},
    "status": {"规划": "planned", "拟建": "planned", "在建": "under_construction",
               "施工": "under_construction", "已建": "in_service", "现状": "in_service",
               "建成": "in_service", "运行": "in_service"},
    "class": {"主干路": "arterial", "主干道": "arterial", "次干路": "secondary",
              "次干道": "secondary", "支路": "branch"},
    "utility": {"给水": "water", "供水": "water", "排水": "drainage", "雨水": "drainage",
                "污水": "drainage", "电力": "power", "供电": "power", "通信": "telecom",
                "电信": "telecom", "燃气": "gas", "天然气": "gas", "热力": "heat", "供热": "heat",
                "JS": "water", "PS": "drainage", "YS": "drainage", "WS": "drainage",
                "DL": "power", "TX": "telecom", "RQ": "gas", "RL": "heat"},
}
NUMBERS = frozenset({"width_m", DECLARED_AREA})
DATES = frozenset({"planned_completion"})

UNITS = {"m2": 1.0, "mu": 10_000 / 15, "ha": 10_000.0}
UNIT_NAMES = {"m2": N_("m²"), "mu": N_("mu (亩)"), "ha": N_("hectares (公顷)")}
_UNIT_WORDS = (("ha", ("公顷", "HA", "HECTARE", "GQ")), ("mu", ("亩", "MU")),
               ("m2", ("平方米", "M2", "M²", "SQM", "PFM")))
_NOISE = re.compile(r"[\s_\-()（）\[\]【】:：/]+")

UNKNOWN_LAYER = N_("%(layer)s is not a layer that can be imported (plots, roads, networks, "
                   "zones)")
UNKNOWN_TARGET = N_("%(target)s is not a field of %(layer)s that an import can fill; use "
                    "one of %(known)s")
UNKNOWN_SOURCE = N_("the file has no field %(field)s")
MAPPED_TWICE = N_("%(target)s is filled from two fields: %(first)s and %(second)s")
UNKNOWN_UNIT = N_("%(unit)s is not an area unit; use m2, mu or ha")
NO_MAPPING = N_("this park has no saved mapping named %(name)s for %(layer)s")
NOT_A_MAPPING = N_("a mapping is a JSON object {\"fields\": {source field: ParkAtlas field}, "
                   "\"area_unit\": m2, mu or ha}")
NOT_A_NUMBER = N_("%(value)s is not a number")


@dataclass(frozen=True)
class Mapping:
    """Source field → ParkAtlas field, and the unit of the declared area."""

    fields: dict[str, str]
    area_unit: str = "m2"

    def as_json(self) -> dict:
        return {"fields": dict(self.fields), "area_unit": self.area_unit}


def _key(name: str) -> str:
    return _NOISE.sub("", str(name)).upper()


def _stripped(name: str) -> str:
    """A field name without a unit written in it (面积_亩 → 面积, MJ(公顷) → MJ)."""
    key = _key(name)
    for _unit, words in _UNIT_WORDS:
        for word in words:
            if key.endswith(word) and len(key) > len(word):
                return key[: -len(word)]
    return key


def unit_of(name: str) -> str | None:
    """The area unit a field's name states, if any."""
    key = _key(name)
    for unit, words in _UNIT_WORDS:
        if any(word in key for word in words if not word.isascii()) or \
                any(key.endswith(word) and len(key) > len(word) for word in words):
            return unit
    return None


def targets(layer: str) -> tuple[str, ...]:
    if layer not in ALIASES:
        raise BadRequest(Text(UNKNOWN_LAYER, layer=layer), code="unknown_layer")
    return tuple(ALIASES[layer])


def guess(layer: str, source_fields: list[str]) -> Mapping:
    """The mapping the names suggest: each ParkAtlas field from the first source field
    whose name (case, spaces, brackets and a unit aside) is one of its aliases."""
    aliases = {alias: target for target, names in ALIASES[layer].items()
               for alias in map(_key, names)}
    chosen: dict[str, str] = {}
    for source in source_fields:
        target = aliases.get(_key(source)) or aliases.get(_stripped(source))
        if target is not None and target not in chosen.values():
            chosen[source] = target
    area = next((s for s, t in chosen.items() if t == DECLARED_AREA), None)
    unit = (unit_of(area) if area else None) or "m2"
    return Mapping(chosen, unit)


def checked(layer: str, data, source_fields: list[str]) -> Mapping:
    """A mapping the user sent (JSON), every field known, none filled twice."""
    known = targets(layer)
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise BadRequest(Text(NOT_A_MAPPING), code="bad_mapping")
    fields, seen = {}, {}
    for source, target in data["fields"].items():
        if target in (None, ""):
            continue
        if target not in known:
            raise BadRequest(Text(UNKNOWN_TARGET, target=str(target), layer=layer,
                                  known=", ".join(known)), code="bad_mapping",
                             details={"field": source})
        if source not in source_fields:
            raise BadRequest(Text(UNKNOWN_SOURCE, field=str(source)), code="bad_mapping",
                             details={"field": source})
        if target in seen:
            raise BadRequest(Text(MAPPED_TWICE, target=target, first=seen[target],
                                  second=source), code="bad_mapping")
        seen[target] = source
        fields[source] = target
    unit = data.get("area_unit") or "m2"
    if unit not in UNITS:
        raise BadRequest(Text(UNKNOWN_UNIT, unit=str(unit)), code="bad_mapping")
    return Mapping(fields, unit)


def _value(target: str, value):
    """A source value as the target field's check expects it, or (None, problem)."""
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None, None
    if value is None:
        return None, None
    if target in NUMBERS:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None, Text(NOT_A_NUMBER, value=str(value)[:40])
        return number, None
    if target in DATES and isinstance(value, dt.date | dt.datetime):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat(), None
    if target in VALUES:
        words = VALUES[target]
        text = str(value)
        return words.get(text, words.get(text.upper(), text)), None
    if isinstance(value, float) and value.is_integer() and target in ("code", "land_class",
                                                                      "planned_use"):
        value = int(value)  # a DBF number column holding codes
    return (str(value) if not isinstance(value, bool) else value), None


def apply(layer: str, mapping: Mapping, props: dict) -> tuple[dict, list[tuple[str, Text]]]:
    """A feature's ParkAtlas values (the declared area in m²) and its field problems
    [(ParkAtlas field, problem)], checked as the loader checks them."""
    values, problems = {}, []
    for source, target in mapping.fields.items():
        value, problem = _value(target, props.get(source))
        if problem is not None:
            problems.append((target, problem))
        elif value is not None:
            values[target] = value
    if DECLARED_AREA in values:
        values[DECLARED_AREA] *= UNITS[mapping.area_unit]
    fields = importer.FIELDS[layer]
    stored = {k: v for k, v in values.items() if k not in NOT_STORED}
    for key, value in stored.items():
        if (problem := fields.checks[key](value)) is not None:
            problems.append((key, problem))
    problems += [(k, Text(importer.REQUIRED)) for k in sorted(fields.required)
                 if stored.get(k) is None and not any(f == k for f, _ in problems)]
    return values, problems


# --- saved mappings ------------------------------------------------------------------------

def save(conn: psycopg.Connection, park_id: int, layer: str, name: str, mapping: Mapping,
         saved_by: str) -> dict:
    """Save (or replace) a park's named mapping of a layer."""
    targets(layer)
    with transaction(conn):
        return queries().imports.save_mapping(conn, park_id=park_id, layer=layer,
                                              name=name.strip(),
                                              mapping=json.dumps(mapping.as_json()),
                                              saved_by=saved_by)


def saved(conn: psycopg.Connection, park_id: int, layer: str) -> list[dict]:
    """The park's saved mappings of a layer, newest first."""
    return list(queries().imports.mappings(conn, park_id=park_id, layer=layer))


def load(conn: psycopg.Connection, park_id: int, layer: str, name: str,
         source_fields: list[str]) -> Mapping:
    """A saved mapping, its fields the file does not have dropped (a later delivery may
    lack a column), checked."""
    row = queries().imports.mapping(conn, park_id=park_id, layer=layer, name=name)
    if row is None:
        raise NotFound(Text(NO_MAPPING, name=name, layer=layer), code="no_such_mapping")
    data = row["mapping"]
    fields = {s: t for s, t in data["fields"].items() if s in source_fields}
    return checked(layer, {**data, "fields": fields}, source_fields)
