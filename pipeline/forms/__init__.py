"""The bundled scheme forms `kaohe init --from` starts a new assessment folder from.

Each form is the config.toml of one of the bundled examples (the root example and examples/*), copied here so an
installed kaohe carries them; tests/test_init.py keeps every copy byte-identical to its example, so a form is always
a scheme that loads and runs.
"""

from __future__ import annotations

from pathlib import Path

FORMS_DIR = Path(__file__).resolve().parent

# form name -> the example whose config.toml it is (relative to the repository root)
FORMS = {
    "县级乡镇绩效评估": "config.toml",
    "区直部门绩效评估": "examples/district/config.toml",
    "村级综合考核": "examples/village/config.toml",
    "争先进位目标管理": "examples/target/config.toml",
    "县直部门交叉考核": "examples/cross/config.toml",
    "定期考核与年终考评": "examples/periodic/config.toml",
    "发展水平综合评价": "examples/objective/config.toml",
}


def form_text(name: str) -> str:
    return (FORMS_DIR / f"{name}.toml").read_text(encoding="utf-8")
