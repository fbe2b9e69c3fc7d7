"""Field mapping (issue 13 item 3): guesses from the Chinese and pinyin names of land data,
units of the declared area, the user's mapping checked, values converted, saved mappings."""

from __future__ import annotations

import pytest

from app.errors import BadRequest, NotFound
from app.imports import mapping


@pytest.mark.parametrize(("names", "expected"), [
    (["地块编号", "地块名称", "地类编码", "地类名称", "权属单位", "权属性质", "面积",
      "用地性质", "用地单位"],
     {"地块编号": "code", "地块名称": "name", "地类编码": "land_class",
      "地类名称": "land_class_name", "权属单位": "owner", "权属性质": "owner_type",
      "面积": "declared_area", "用地性质": "planned_use", "用地单位": "land_user"}),
    (["DKBH", "DKMC", "DLBM", "DLMC", "QSDWMC", "QSXZ", "TBMJ"],
     {"DKBH": "code", "DKMC": "name", "DLBM": "land_class", "DLMC": "land_class_name",
      "QSDWMC": "owner", "QSXZ": "owner_type", "TBMJ": "declared_area"}),
    (["zddm", "Mj", "OBJECTID", "Shape_Leng"], {"zddm": "code", "Mj": "declared_area"}),
    (["ZDH", "ZDDM"], {"ZDH": "code"}),  # the first that fits; a field fills one target
])
def test_guesses_from_chinese_and_pinyin_names(names, expected):
    assert mapping.guess("plots", names).fields == expected


def test_guesses_per_layer():
    assert mapping.guess("roads", ["DLMC", "DLDJ", "KD", "ZT"]).fields == {
        "DLMC": "name", "DLDJ": "class", "KD": "width_m", "ZT": "status"}
    assert mapping.guess("networks", ["管线类型", "名称", "状态"]).fields == {
        "管线类型": "utility", "名称": "name", "状态": "status"}
    assert mapping.guess("zones", ["FQBH", "FQMC"]).fields == {"FQBH": "code", "FQMC": "name"}


@pytest.mark.parametrize(("name", "unit"), [
    ("面积", "m2"), ("面积(亩)", "mu"), ("面积_亩", "mu"), ("MJ_MU", "mu"), ("面积（公顷）", "ha"),
    ("MJ_HA", "ha"), ("TBMJ", "m2"), ("面积平方米", "m2")])
def test_the_area_unit_from_the_field_name(name, unit):
    guessed = mapping.guess("plots", ["DKBH", name])
    assert guessed.fields[name] == "declared_area" and guessed.area_unit == unit


@pytest.mark.parametrize(("unit", "declared", "m2"), [
    ("m2", "1234.5", 1234.5), ("mu", 15, 10_000.0), ("ha", 1.5, 15_000.0)])
def test_units_are_converted_to_square_metres(unit, declared, m2):
    chosen = mapping.Mapping({"DKBH": "code", "MJ": "declared_area"}, unit)
    values, problems = mapping.apply("plots", chosen, {"DKBH": "A-1", "MJ": declared})
    assert problems == [] and values["declared_area"] == pytest.approx(m2)


def test_values_are_converted_and_checked_as_the_loader_checks_them():
    m = mapping.guess("plots", ["DKBH", "QSXZ", "DLBM", "MJ"])
    values, problems = mapping.apply("plots", m, {"DKBH": 12.0, "QSXZ": "集体", "DLBM": 601.0,
                                                  "MJ": "lots"})
    assert values == {"code": "12", "owner_type": "collective", "land_class": "601"}
    assert [(f, str(p)) for f, p in problems] == [
        ("declared_area", "lots is not a number"),
        ("land_class", 'must look like 0101, not "601"')]
    _values, problems = mapping.apply("plots", m, {"DKBH": " "})
    assert [(f, str(p)) for f, p in problems] == [("code", "is required")]
    roads = mapping.guess("roads", ["名称", "状态"])
    assert mapping.apply("roads", roads, {"名称": "纬二路", "状态": "规划"}) == (
        {"name": "纬二路", "status": "planned"}, [])


def test_the_users_mapping_is_checked():
    fields = ["DKBH", "BZ"]
    assert mapping.checked("plots", {"fields": {"DKBH": "code", "BZ": None}}, fields
                           ).fields == {"DKBH": "code"}
    for bad, code in (({"fields": {"BZ": "colour"}}, "bad_mapping"),
                      ({"fields": {"XX": "code"}}, "bad_mapping"),
                      ({"fields": {"DKBH": "code", "BZ": "code"}}, "bad_mapping"),
                      ({"fields": {}, "area_unit": "acre"}, "bad_mapping"),
                      ([], "bad_mapping")):
        with pytest.raises(BadRequest) as refused:
            mapping.checked("plots", bad, fields)
        assert refused.value.code == code
    with pytest.raises(BadRequest) as refused:
        mapping.targets("parks")
    assert refused.value.code == "unknown_layer"


def test_saved_mappings_are_per_park_and_layer_and_reused(conn):
    park = conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]
    m = mapping.Mapping({"宗地号": "code", "MJ": "declared_area", "BZ": "name"}, "mu")
    mapping.save(conn, park, "plots", "测绘院 2026", m, "pytest")
    mapping.save(conn, park, "plots", "测绘院 2026", m, "pytest")  # replaced, not twice
    assert [s["name"] for s in mapping.saved(conn, park, "plots")] == ["测绘院 2026"]
    assert mapping.saved(conn, park, "roads") == []
    # the next delivery lacks BZ: the rest of the mapping still applies
    again = mapping.load(conn, park, "plots", "测绘院 2026", ["宗地号", "MJ"])
    assert again == mapping.Mapping({"宗地号": "code", "MJ": "declared_area"}, "mu")
    with pytest.raises(NotFound):
        mapping.load(conn, park, "plots", "nothing", [])
