"""`kaohe init` (issue 14, part 2): a new assessment folder from a bundled form, on which `kaohe templates` works;
each bundled form is byte-identical to the example it comes from."""

from __future__ import annotations

import pytest

from conftest import ROOT, kaohe
from pipeline.forms import FORMS, FORMS_DIR


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_form_is_its_examples_scheme(form):
    assert (FORMS_DIR / f"{form}.toml").read_bytes() == (ROOT / FORMS[form]).read_bytes()


@pytest.mark.parametrize("form", ["县级乡镇绩效评估", "村级综合考核"])
def test_init_then_templates(tmp_path, form):
    folder = tmp_path / "新考核"
    res = kaohe("init", folder, "--from", form)
    assert res.returncode == 0, res.stdout + res.stderr
    assert (folder / "config.toml").read_bytes() == (FORMS_DIR / f"{form}.toml").read_bytes()
    assert "#" in (folder / "config.toml").read_text(encoding="utf-8")  # the Chinese comments come along
    assert (folder / "input").is_dir() and not list((folder / "input").iterdir())
    assert sorted(p.name for p in (folder / "templates").iterdir()) == ["report.html.j2", "考核情况分析报告.docx"]
    assert "kaohe templates" in res.stdout
    res = kaohe("templates", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert list((folder / "填报模板").iterdir())


def test_init_never_overwrites_a_scheme(tmp_path):
    (tmp_path / "config.toml").write_text("# 已有的方案\n", encoding="utf-8")
    res = kaohe("init", tmp_path, "--from", "县级乡镇绩效评估")
    assert res.returncode == 2 and "已有 config.toml，不会覆盖" in res.stderr
    assert (tmp_path / "config.toml").read_text(encoding="utf-8") == "# 已有的方案\n"


def test_init_names_the_forms_when_one_is_unknown(tmp_path):
    res = kaohe("init", tmp_path / "x", "--from", "市级")
    assert res.returncode == 2 and "县级乡镇绩效评估" in res.stderr
