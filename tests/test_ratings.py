"""Rating registers read from real files: leadership scores per item (weighted), quarterly checks (mean)."""

from __future__ import annotations

import json
import math
from fractions import Fraction as F

import xlsxwriter

from conftest import kaohe

CONFIG = """
[assessment]
title = "评分汇总测试"
year = 2025
full_score = 100
precision = 2

[[components]]
name = "季度考核"
kind = "ratings"
weight = 0.4
full = 100

[[components]]
name = "班子成员评分"
kind = "ratings"
weight = 0.6
full = 100
trim = true
item_weights = { "党建工作" = 20, "经济发展" = 50, "社会事业" = 30 }

[[units]]
name = "一村"
[[units]]
name = "二村"
"""


def write(path, title, header, rows):
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Sheet1")
    ws.write(0, 0, title)
    ws.write_row(1, 0, header)
    for r, row in enumerate(rows, start=2):
        ws.write_row(r, 0, row)
    wb.close()


def test_quarterly_mean_and_weighted_leadership_ratings_with_trim(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    write(tmp_path / "input" / "季度考核.xlsx", "2025年季度考核得分汇总", ["村名", "季度", "得分"],
          [["一村", "一季度", 80], ["一村", "二季度", 90], ["一村", "三季度", 85], ["一村", "四季度", 95],
           ["二村", "一季度", 70], ["二村", "二季度", 70], ["二村", "三季度", 80], ["二村", "四季度", 80]])
    rows = []
    for member, (a, b) in {"书记": ((100, 90, 80), (60, 60, 60)), "镇长": ((90, 90, 90), (70, 70, 70)),
                           "副书记": ((80, 80, 80), (80, 80, 80)), "副镇长": ((70, 70, 70), (90, 90, 90))}.items():
        rows += [["一村", member, *a], ["二村", member, *b]]
    write(tmp_path / "input" / "班子评分.xlsx", "班子成员评分表", ["村名", "评分人", "党建工作", "经济发展", "社会事业"], rows)
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    got = {u["unit"]: u for u in json.loads((tmp_path / "output" / "results.json").read_text("utf-8"))["units"]}
    # 一村: quarters (80+90+85+95)/4 = 87.5; members 0.2×100+0.5×90+0.3×80 = 89, 90, 80, 70 -> drop 90 and 70 -> 84.5
    assert got["一村"]["components"] == {"季度考核": 87.5, "班子成员评分": 84.5}
    assert got["一村"]["total"] == 85.7  # 0.4 × 87.5 + 0.6 × 84.5
    # 二村: quarters 75; members 60, 70, 80, 90 -> drop 60 and 90 -> 75
    assert got["二村"]["components"] == {"季度考核": 75.0, "班子成员评分": 75.0}


def test_a_ratings_sheet_that_names_no_component_is_an_error(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    write(tmp_path / "input" / "评分.xlsx", "评分汇总", ["村名", "评分人", "得分"], [["一村", "甲", 80]])
    res = kaohe("check", tmp_path)
    assert res.returncode == 1
    assert "评分.xlsx › Sheet1!A3：无法确定该评分表属于哪个评分类组成部分（请在标题或工作表名中写明：季度考核、班子成员评分）" in res.stdout
    assert "缺少单位“二村”的季度考核数据" in res.stdout and "缺少单位“一村”的班子成员评分数据" in res.stdout


def test_quarters_must_all_be_there_once(tmp_path):
    cfg = CONFIG.replace('kind = "ratings"\nweight = 0.4', 'kind = "ratings"\nweight = 0.4\nraters = ["一季度", "二季度", "三季度", "四季度"]')
    (tmp_path / "config.toml").write_text(cfg, encoding="utf-8")
    (tmp_path / "input").mkdir()
    write(tmp_path / "input" / "季度考核.xlsx", "2025年季度考核得分汇总", ["村名", "季度", "得分"],
          [["一村", "一季度", 80], ["一村", "二季度", 90], ["一村", "三季度", 85], ["一村", "三季度", 95],
           ["二村", "一季度", 70], ["二村", "二季度", 70], ["二村", "三季度", 80], ["二村", "四季度", None]])
    write(tmp_path / "input" / "班子评分.xlsx", "班子成员评分表", ["村名", "评分人", "党建工作", "经济发展", "社会事业"],
          [["一村", "书记", 90, 90, 90], ["二村", "书记", 80, 80, 80]])
    res = kaohe("check", tmp_path)
    assert res.returncode == 1
    assert "季度考核.xlsx › Sheet1!A6：“三季度”对单位的季度考核评分重复出现（另见 季度考核.xlsx › Sheet1!A5）" in res.stdout
    assert "缺少“四季度”对单位“一村”的季度考核评分" in res.stdout
    assert "季度考核.xlsx › Sheet1!C10：缺少数据（二村 · 季度考核）" in res.stdout


# -- items scored out of their own points (item_points), totals checked against their items -----------------------
POINTS_CONFIG = """
[assessment]
title = "班子评分测试"
year = 2025
full_score = 100
precision = 2

[[components]]
name = "班子成员评分"
kind = "ratings"
weight = 1
full = 100
{items}

[[units]]
name = "一村"
[[units]]
name = "二村"
[[units]]
name = "三村"
"""
def half_up(x: F, places: int = 2) -> F:
    """四舍五入 of an exact fraction (independent of pipeline.numbers)."""
    return F(math.floor(x * 10 ** places + F(1, 2)), 10 ** places)


POINTS = {"党建工作": 20, "经济发展": 50, "社会事业": 30}
# unit -> member -> item scores (each out of its own points)
SCORES = {"一村": {"书记": (18, 45, 27), "镇长": (19.5, 42, 26)},
          "二村": {"书记": (16, 40, 25), "镇长": (17, 44.5, 24)},
          "三村": {"书记": (20, 48, 29), "镇长": (15, 38, 22.5)}}


def ratings_folder(tmp_path, items: str, scores=SCORES, total=None, total_header="总分"):
    """A real openpyxl ratings sheet: 村名 | 评分人 | items… | 总分 (the row's sum, unless `total` overrides a cell)."""
    import openpyxl

    (tmp_path / "config.toml").write_text(POINTS_CONFIG.replace("{items}", items), encoding="utf-8")
    (tmp_path / "input").mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "评分"
    ws.append(["2025年度班子成员评分表"])
    ws.append(["村名", "评分人", *POINTS, total_header])
    for unit, members in scores.items():
        for member, values in members.items():
            written = (total or {}).get((unit, member), sum(F(str(v)) for v in values))
            ws.append([unit, member, *values, float(written)])
    wb.save(tmp_path / "input" / "班子成员评分.xlsx")
    return tmp_path


def results_of(folder):
    return json.loads((folder / "output" / "results.json").read_text("utf-8"))


def test_item_points_rate_by_the_sum_of_the_items(tmp_path):
    folder = ratings_folder(tmp_path, 'item_points = { "党建工作" = 20, "经济发展" = 50, "社会事业" = 30 }')
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    got = {u["unit"]: u["components"]["班子成员评分"] for u in results_of(folder)["units"]}
    for unit, members in SCORES.items():  # the mean of the members' sums, rounded half-up at 2 decimals
        mean = sum(sum(F(str(v)) for v in vals) for vals in members.values()) / len(members)
        assert got[unit] == float(half_up(mean)), unit
    assert got == {"一村": 88.75, "二村": 83.25, "三村": 86.25}
    assert not [i for i in results_of(folder)["issues"] if i["severity"] != "提示"]


def test_an_item_above_its_points_is_out_of_range(tmp_path):
    scores = {**SCORES, "二村": {"书记": (22, 40, 25), "镇长": (17, 44.5, 24)}}  # 党建工作 is worth 20
    folder = ratings_folder(tmp_path, 'item_points = { "党建工作" = 20, "经济发展" = 50, "社会事业" = 30 }', scores)
    res = kaohe("check", folder)
    assert res.returncode == 1
    assert ("[错误] 班子成员评分.xlsx › 评分!C5：数值 22 超出允许范围 [0, 20]（二村 · 班子成员评分 · 党建工作）"
            in res.stdout), res.stdout


def test_a_total_that_is_not_the_sum_of_its_items_is_a_warning(tmp_path):
    folder = ratings_folder(tmp_path, 'item_points = { "党建工作" = 20, "经济发展" = 50, "社会事业" = 30 }',
                            total={("三村", "镇长"): 78})  # 15 + 38 + 22.5 = 75.5
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    warn = [i for i in results_of(folder)["issues"] if i["code"] == "rating-total-mismatch"]
    assert [(i["cell"], i["unit"], i["severity"]) for i in warn] == [("F8", "三村", "警告")]
    assert "总分 78 与各项之和 75.5 不一致，已按各项之和计分" in warn[0]["message"]
    got = {u["unit"]: u["components"]["班子成员评分"] for u in results_of(folder)["units"]}
    assert got["三村"] == float(half_up((F(97) + F("75.5")) / 2))  # scored from the items, not from the 78


def test_a_weighted_total_is_checked_against_the_weighted_mean(tmp_path):
    weights = 'item_weights = { "党建工作" = 20, "经济发展" = 50, "社会事业" = 30 }'
    scores = {"一村": {"书记": (90, 80, 70)}, "二村": {"书记": (85, 95, 75)}, "三村": {"书记": (60, 70, 100)}}
    mean = {u: sum(F(w, 100) * v for w, v in zip(POINTS.values(), vals)) for u, m in scores.items()
            for vals in m.values()}  # 一村 0.2×90 + 0.5×80 + 0.3×70 = 79
    total = {(u, "书记"): mean[u] for u in scores} | {("二村", "书记"): 88}  # 二村's is 17 + 47.5 + 22.5 = 87
    folder = ratings_folder(tmp_path, weights, scores, total=total)
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    warn = [i for i in results_of(folder)["issues"] if i["code"] == "rating-total-mismatch"]
    assert [(i["unit"], i["cell"]) for i in warn] == [("二村", "F4")]
    assert "总分 88 与各项按权重的平均 87 不一致" in warn[0]["message"]
    got = {u["unit"]: u["components"]["班子成员评分"] for u in results_of(folder)["units"]}
    assert got == {u: float(half_up(v)) for u, v in mean.items()} == {"一村": 79.0, "二村": 87.0, "三村": 77.0}


def test_points_entered_as_weights_are_an_error_that_suggests_item_points(tmp_path):
    folder = ratings_folder(tmp_path, 'item_weights = { "党建工作" = 20, "经济发展" = 50, "社会事业" = 30 }')
    res = kaohe("check", folder)
    assert res.returncode == 1
    line = next(l for l in res.stdout.splitlines() if "item_weights" in l)
    assert line.strip().startswith("[错误] 班子成员评分.xlsx › 评分!A3：组成部分“班子成员评分”的 item_weights")
    assert "全部 6 个评分" in line and "请把 item_weights 改为 item_points" in line
    assert "党建工作 18 ≤ 20" in line and "按分值相加则为 90" in line  # 一村 书记 18 + 45 + 27
    # weighted as written: (20×18 + 50×45 + 30×27) / 100 = 34.2
    assert "为 34.20" in line and "0.2、0.5、0.3" in line


def test_genuine_weights_as_fractions_are_not_taken_for_points(tmp_path):
    """The way out the error names: the same weights as fractions score the same and raise nothing."""
    folder = ratings_folder(tmp_path, 'item_weights = { "党建工作" = 0.2, "经济发展" = 0.5, "社会事业" = 0.3 }',
                            total={(u, m): sum(F(w, 10) * F(str(v)) for w, v in zip((2, 5, 3), vals))
                                   for u, ms in SCORES.items() for m, vals in ms.items()})
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert not [i for i in results_of(folder)["issues"] if i["severity"] != "提示"]
    got = {u["unit"]: u["components"]["班子成员评分"] for u in results_of(folder)["units"]}
    assert got["一村"] == float(half_up((F("34.2") + F("32.7")) / 2))  # 0.2×19.5 + 0.5×42 + 0.3×26 = 32.7


def test_item_points_must_make_100_and_exclude_item_weights(tmp_path):
    ratings_folder(tmp_path, 'item_points = { "党建工作" = 20, "经济发展" = 50, "社会事业" = 20 }')
    res = kaohe("check", tmp_path)
    assert res.returncode == 2
    assert "components[1]（班子成员评分）：item_points：各项分值之和为 90，应为 100" in res.stderr
    cfg = tmp_path / "config.toml"
    cfg.write_text(cfg.read_text("utf-8").replace('"社会事业" = 20 }', '"社会事业" = 30 }\nitem_weights = { "党建工作" = 1 }'),
                   "utf-8")
    res = kaohe("check", tmp_path)
    assert res.returncode == 2 and "item_points 与 item_weights 不能同时写" in res.stderr


# -- 交叉考核: raters are peers of the same group, a unit's rating of itself is left out ---------------------------
PEERS_CONFIG = """
[assessment]
title = "交叉考核测试"
year = 2025
full_score = 100
precision = 2

[[components]]
name = "交叉考核"
kind = "ratings"
weight = 1
full = 100
rated_by = "peers"
{extra}

[[units]]
name = "甲镇"
group = "乡镇"
[[units]]
name = "乙镇"
group = "乡镇"
[[units]]
name = "丙镇"
group = "乡镇"
[[units]]
name = "丁镇"
group = "乡镇"
[[units]]
name = "城建局"
group = "部门"
"""
# rated unit -> rater -> score; every town rates every town, itself included (as drawn panels often do)
PEER_SCORES = {"甲镇": {"甲镇": 100, "乙镇": 70, "丙镇": 80, "丁镇": 75},
               "乙镇": {"甲镇": 60, "乙镇": 95, "丙镇": 70, "丁镇": 65},
               "丙镇": {"甲镇": 90, "乙镇": 85, "丙镇": 99, "丁镇": 80},
               "丁镇": {"甲镇": 70, "乙镇": 75, "丙镇": 80, "丁镇": 90},
               "城建局": {"甲镇": 80}}


def peers_folder(tmp_path, extra="", scores=PEER_SCORES, rater_header="评分单位"):
    (tmp_path / "config.toml").write_text(PEERS_CONFIG.replace("{extra}", extra), encoding="utf-8")
    (tmp_path / "input").mkdir()
    rows = [[rated, rater, score] for rated, by in scores.items() for rater, score in by.items()]
    write(tmp_path / "input" / "交叉考核评分表.xlsx", "2025年度交叉考核评分汇总表", ["被考核单位", rater_header, "得分"],
          rows)
    return tmp_path


def test_a_peer_rating_of_itself_is_left_out_by_default_and_shown(tmp_path):
    folder = peers_folder(tmp_path, scores={k: v for k, v in PEER_SCORES.items() if k != "城建局"}
                          | {"城建局": {}})
    # 城建局 has no peer in its group: give it a rating by none (a missing-ratings error) -> run a scheme without it
    cfg = (folder / "config.toml").read_text("utf-8").replace('[[units]]\nname = "城建局"\ngroup = "部门"\n', "")
    (folder / "config.toml").write_text(cfg, encoding="utf-8")
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    units = {u["unit"]: u for u in results_of(folder)["units"]}
    # 甲镇: the three others' 70, 80, 75 -> 75 (with its own 100: 81.25)
    for rated, by in PEER_SCORES.items():
        if rated == "城建局":
            continue
        others = [F(s) for rater, s in by.items() if rater != rated]
        assert units[rated]["components"]["交叉考核"] == float(half_up(sum(others) / len(others))), rated
        trace = units[rated]["ratings"]["交叉考核"]
        assert trace["counted"] == 3
        own = next(r for r in trace["ratings"] if r["rater"] == rated)
        assert own == {"rater": rated, "score": float(by[rated]), "counted": False, "note": "本单位自评，不计入",
                       "source": own["source"]}
        assert own["source"].startswith("交叉考核评分表.xlsx › Sheet1!")
    assert units["甲镇"]["total"] == 75.0
    assert "“甲镇”对本单位的交叉考核评分不计入" in res.stdout


def test_self_ratings_count_only_when_the_scheme_says_so(tmp_path):
    scores = {k: v for k, v in PEER_SCORES.items() if k != "城建局"}
    folder = peers_folder(tmp_path, extra='self_rating = "count"', scores=scores)
    cfg = (folder / "config.toml").read_text("utf-8").replace('[[units]]\nname = "城建局"\ngroup = "部门"\n', "")
    (folder / "config.toml").write_text(cfg, encoding="utf-8")
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    units = {u["unit"]: u for u in results_of(folder)["units"]}
    assert units["甲镇"]["components"]["交叉考核"] == 81.25  # (100 + 70 + 80 + 75) / 4


def test_trimmed_peer_ratings_say_which_were_dropped(tmp_path):
    scores = {k: v for k, v in PEER_SCORES.items() if k != "城建局"}
    folder = peers_folder(tmp_path, extra="trim = true", scores=scores)
    cfg = (folder / "config.toml").read_text("utf-8").replace('[[units]]\nname = "城建局"\ngroup = "部门"\n', "")
    (folder / "config.toml").write_text(cfg, encoding="utf-8")
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    trace = {u["unit"]: u for u in results_of(folder)["units"]}["丙镇"]["ratings"]["交叉考核"]
    notes = {r["rater"]: r["note"] for r in trace["ratings"]}
    # 丙镇's own 99 is left out first; of 90, 85, 80 the highest and lowest go: 85 remains
    assert notes == {"甲镇": "去掉最高分", "乙镇": "", "丙镇": "本单位自评，不计入", "丁镇": "去掉最低分"}
    assert trace["counted"] == 1 and trace["mean"] == 85.0
    # the summary workbook lists every rating with what became of it
    import openpyxl

    ws = openpyxl.load_workbook(folder / "output" / "考核结果汇总表.xlsx")["评分"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert any(r[:5] == ["丙镇", "交叉考核", "甲镇", 90, "去掉最高分"] for r in rows), rows[:6]


def test_a_peer_rater_that_is_no_unit_or_of_another_group_is_an_error(tmp_path):
    scores = {"甲镇": {"乙镇": 70, "丙镇": 80, "戊镇": 75}, "乙镇": {"甲镇": 60, "城建局": 90},
              "丙镇": {"甲镇": 90}, "丁镇": {"甲镇": 70}, "城建局": {"甲镇": 80}}
    folder = peers_folder(tmp_path, scores=scores)
    res = kaohe("check", folder)
    assert res.returncode == 1
    assert ("交叉考核评分表.xlsx › Sheet1!B5：评分单位“戊镇”不是被考核单位，是否为“甲镇”？；“交叉考核”由同组单位互评"
            "（rated_by = \"peers\"），评分人须为同组的被考核单位") in res.stdout
    assert ("交叉考核评分表.xlsx › Sheet1!B7：评分单位“城建局”属于“部门”，被评单位属于“乡镇”：“交叉考核”由同组单位互评"
            "（rated_by = \"peers\"），只能由同组单位评分") in res.stdout
    assert "Sheet1!B10：评分单位“甲镇”属于“乡镇”，被评单位属于“部门”" in res.stdout


def test_rated_by_belongs_to_ratings_components(tmp_path):
    cfg = PEERS_CONFIG.replace("{extra}", "").replace('kind = "ratings"', 'kind = "survey"')
    (tmp_path / "config.toml").write_text(cfg, encoding="utf-8")
    res = kaohe("check", tmp_path)
    assert res.returncode != 0
    assert "trim、raters、rated_by、self_rating 只用于评分类组成部分" in res.stdout + res.stderr


def test_a_drawn_panel_of_peers_must_rate_every_other_unit_of_its_group(tmp_path):
    # panel 甲镇 + 乙镇 (raters): 甲镇 is rated by 乙镇 only (not by itself), 丙镇 and 丁镇 by both; 丙镇 lacks 乙镇's
    scores = {"甲镇": {"乙镇": 70, "丙镇": 80}, "乙镇": {"甲镇": 60}, "丙镇": {"甲镇": 90}, "丁镇": {"甲镇": 70, "乙镇": 75},
              "城建局": {"城建局": 80}}
    folder = peers_folder(tmp_path, extra='raters = ["甲镇", "乙镇"]', scores=scores)
    res = kaohe("check", folder)
    assert res.returncode == 1
    missing = [line for line in res.stdout.splitlines() if "缺少" in line and "评分" in line and "交叉考核" in line]
    assert len(missing) == 1 and "丙镇" in missing[0] and "乙镇" in missing[0], res.stdout


def test_a_panel_of_peers_must_name_assessed_units(tmp_path):
    (tmp_path / "config.toml").write_text(PEERS_CONFIG.replace("{extra}", 'raters = ["甲镇", "第一组"]'), encoding="utf-8")
    res = kaohe("check", tmp_path)
    assert res.returncode == 2 and "的评分单位须是被考核单位，“第一组”不是" in res.stdout + res.stderr
