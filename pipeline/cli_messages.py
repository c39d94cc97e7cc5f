"""click's own usage errors, in Chinese: a clerk who mistypes `kaohe rnu` reads what went wrong and what to type.

click raises typed exceptions (NoSuchCommand, NoSuchOption, MissingParameter, BadParameter, BadOptionUsage…) whose
messages are English; each is rendered here from its attributes, and the few that carry only a message are matched
by the wording click uses (a new click wording falls back to a Chinese sentence, never to English).
"""

from __future__ import annotations

import re

import click

HELP_HINT = "运行 kaohe --help 查看用法。"


def _param_name(param) -> str:
    if param is None:
        return "参数"
    if isinstance(param, click.Option):
        return f"选项 {max(param.opts, key=len)}"
    return f"参数“{(param.metavar or param.name or '').strip('[]')}”"


def usage_text(exc: click.exceptions.UsageError) -> str:
    """The Chinese message for a usage error (without the 错误： prefix)."""
    e = click.exceptions
    if isinstance(exc, e.NoSuchCommand):
        near = f"，是不是要输入“{exc.possibilities[0]}”？" if exc.possibilities else "。"
        return f"没有命令“{exc.command_name}”{near}{HELP_HINT}"
    if isinstance(exc, e.NoSuchOption):
        near = f"，是不是要输入 {exc.possibilities[0]}？" if exc.possibilities else "。"
        return f"没有选项 {exc.option_name}{near}{HELP_HINT}"
    if isinstance(exc, e.MissingParameter):
        return f"缺少{_param_name(exc.param)}。{HELP_HINT}"
    if isinstance(exc, e.BadParameter):
        what, kind = _param_name(exc.param), getattr(exc.param, "type", None)
        what += " " if what[-1].isascii() else ""  # 选项 --as 的值, 参数“原运行序号”的值
        said = re.match(r"'(.*)' is not", exc.message)
        value = f"“{said[1]}”" if said else ""
        if isinstance(kind, click.Choice):
            return f"{what}的值{value}无效，可选：{'、'.join(map(str, kind.choices))}。{HELP_HINT}"
        need = "（须为整数）" if isinstance(kind, click.types.IntParamType) else ""
        return f"{what}的值{value}无效{need}。{HELP_HINT}"
    if isinstance(exc, e.BadOptionUsage):
        return f"选项 {exc.option_name} 后面须写上它的值。{HELP_HINT}"
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)", exc.message)
    if extra:
        return f"多了参数：{extra[1]}（文件夹名中有空格时请加引号）。{HELP_HINT}"
    if exc.message.startswith("Missing command"):
        return f"缺少命令（如 run、check、templates）。{HELP_HINT}"
    return f"命令用法不正确。{HELP_HINT}"


__all__ = ["usage_text", "HELP_HINT"]
