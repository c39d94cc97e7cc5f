"""Scheme validation: every mistake is a Chinese message naming the key (SPEC: exit code 2 at the CLI)."""

from __future__ import annotations

import tomllib

import pytest

from conftest import ROOT
from pipeline.scheme import SchemeError, load_scheme, parse_scheme


def raw():
    return tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))


def error_of(cfg) -> str:
    with pytest.raises(SchemeError) as exc:
        parse_scheme(cfg)
    return str(exc.value)


def test_bundled_scheme_is_valid():
    scheme = load_scheme(ROOT)
    assert len(scheme.units) == 19 and len(scheme.indicators) == 15
    assert scheme.sources == ["统计局", "财政局", "农业农村局", "卫健局", "应急管理局", "信访局"]


def test_wrong_type_names_the_key_and_the_indicator():
    cfg = raw()
    cfg["indicators"][2]["points"] = "八分"
    assert "indicators[3]（A3）.points：应为数字" in error_of(cfg)


def test_method_missing_a_parameter():
    cfg = raw()
    del cfg["indicators"][6]["per_step"]
    assert "indicators[7]（C2）：计分方法 step（达标按差距扣分）缺少参数：per_step" in error_of(cfg)


def test_unknown_method_lists_the_choices():
    cfg = raw()
    cfg["indicators"][0]["method"] = "efficiency"
    msg = error_of(cfg)
    assert "indicators[1]（A1）.method：取值“efficiency”无效，可选：direct, efficacy" in msg


def test_weights_grades_aliases_and_tie_breakers_are_checked():
    cfg = raw()
    cfg["components"][1]["weight"] = 0.5
    cfg["grades"][0]["min"] = 50
    cfg["units"][1]["aliases"] = ["城关"]
    cfg["ranking"]["tie_breakers"] = ["指标"]
    msg = error_of(cfg)
    assert "各组成部分“满分 × 权重”之和为 140，与 assessment.full_score = 100 不一致" in msg
    assert "等次须按分数线从高到低排列" in msg
    assert "名称或别名“城关”同时属于“城关镇”和“东关镇”" in msg
    assert "ranking.tie_breakers：“指标”不是组成部分名称" in msg


def test_toml_syntax_error_and_missing_file(tmp_path):
    (tmp_path / "config.toml").write_text("[assessment\ntitle = 1", encoding="utf-8")
    with pytest.raises(SchemeError, match="格式错误"):
        load_scheme(tmp_path)
    with pytest.raises(SchemeError, match="未找到考核方案文件"):
        load_scheme(tmp_path / "无")
