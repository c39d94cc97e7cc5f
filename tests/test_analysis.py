"""pipeline.analysis on results the real engine produced (the report's scheme: tests/test_render_report.py)."""

from __future__ import annotations

import re

from pipeline import analysis
from pipeline.score import score
from test_render_report import RUN, VETOED, dataset, scheme


def test_analysis_of_a_real_run():
    results = score(scheme(), dataset(), RUN)
    found = analysis.analyse(results)
    assert [(g.name, g.units) for g in found.grades] == [
        ("优秀", ["城关镇"]), ("良好", ["青山乡"]), ("一般", ["石门乡"]), ("较差", []), ("一票否决", [VETOED])]
    assert found.grades[1].share == 0.25 and found.grades[3].colour == "#C62828"  # the lowest grade is red
    assert found.grades[-1].colour == "#C62828"  # and so is 一票否决
    assert (found.totals.all.mean, found.totals.all.max, found.totals.all.min) == (84.875, 99.0, 70.0)
    assert {g: s.mean for g, s in found.totals.groups.items()} == {"平原乡镇": 90.75, "山区乡镇": 79.0}
    assert found.totals.top.unit == "城关镇" and found.totals.bottom.unit == "石门乡"
    economy = found.categories[0]
    assert (economy.name, economy.mean, economy.best, economy.weakest) == ("经济发展", 50.25, ["城关镇"], ["石门乡"])
    assert found.categories[1].best == ["城关镇", "青山乡"]  # ties are all named
    assert [(w.info.id, w.n_lost, w.n_scored, w.majority) for w in found.weak] == [
        ("A2", 4, 4, True), ("A1", 3, 4, True), ("E1", 2, 4, False)]
    assert [u.unit for u in found.progress.up] == ["城关镇"]
    assert [u.unit for u in found.progress.down] == ["青山乡", VETOED]  # both down one place: rank order
    assert found.progress.n_same == 0 and len(found.progress.compared) == 3
    assert found.vetoed_units == [VETOED]
    assert found.issues == {"错误": 0, "警告": 1, "提示": 0}
    assert [s[:6] for s in found.suggestions] == ["补齐短板领域", "聚焦薄弱指标", "促进分类协调", "压紧压实底线",
                                                  "加强结果运用", "关注名次变化", "规范数据报送"]
    assert "山区乡镇平均分（79.00分）低于平原乡镇（90.75分）" in found.suggestions[2]
    assert "有2个单位名次较上年下降，其中青山乡后退1位、A&B<镇>后退1位" in found.suggestions[5]


def test_number_forms():
    assert analysis.score_text(-0.001, 2) == "0.00" and analysis.score_text(89.995, 2) == "90.00"
    assert analysis.score_text(None, 2) == "—"
    assert analysis.percent_text(0.8375) == "83.8%" and analysis.percent_text(0.6, 0) == "60%"


def _recommendations(folder):
    html = (folder / "output" / "考核情况分析报告.html").read_text(encoding="utf-8")
    part = html.split("下一步工作建议", 1)[1]
    texts = [re.sub(r"<[^>]+>", "", p).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>", part, re.S)]
    return [t for t in texts if re.match(r"\d+．", t)]  # the numbered recommendations, not the signature


def test_recommendations_follow_the_data_and_never_contradict_the_awards(tmp_path):
    """Two assessments give no identical recommendation; none proposes 约谈/提醒谈话 for a unit the results reward
    (a 进步奖 winner) or count a vetoed unit as a grade."""
    import json
    import shutil

    from conftest import ROOT, copy_bundled, kaohe

    folders = [copy_bundled(tmp_path)]
    shutil.copytree(ROOT / "examples" / "village", tmp_path / "village")
    folders.append(tmp_path / "village")
    said = []
    for folder in folders:
        assert kaohe("run", "-q", folder).returncode == 0
        paragraphs = _recommendations(folder)
        assert paragraphs, folder
        results = json.loads((folder / "output" / "results.json").read_text(encoding="utf-8"))
        rewarded = [u["unit"] for u in results["units"] if u["awards"] or u["vetoed"]]
        for p in paragraphs:
            if "约谈" in p or "提醒谈话" in p:
                named = p.split("建议")[0]
                assert not [u for u in rewarded if u in named], p
                assert "“一票否决”" not in p, p
        said.append(paragraphs)
    assert not set(said[0]) & set(said[1]), set(said[0]) & set(said[1])
