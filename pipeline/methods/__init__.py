"""The scoring methods, one module each, and their registry (方案编写指南 §3; README «Adding a scoring method»).

A method module defines `MODEL`, a pydantic model subclassing `base.IndicatorBase`: its parameters, its Chinese
label, its scoring, its one-sentence rule and the bounds of the figures it reads. `MODULES` below is the registry:
the scheme's `Indicator` is the discriminated union (on `method`) of the registered models, and nothing else in the
code base names a method. `register` adds a method at run time (the tests' toy method); the scheme rebuilds itself.
"""

from __future__ import annotations

from types import ModuleType
from typing import Annotated, Callable, Union

from pydantic import Field

from . import completion, count_deduct, direct, efficacy, efficacy_standard, rank, step
from .base import Bound, IndicatorBase, Observation, score_indicator

__all__ = ["MODULES", "METHODS", "Bound", "IndicatorBase", "Observation", "score_indicator", "register",
           "unregister", "on_change", "union", "owners"]

# The registry, in the order the guide documents the methods and messages list them.
MODULES: list[ModuleType] = [direct, efficacy, efficacy_standard, completion, step, count_deduct, rank]

METHODS: dict[str, type[IndicatorBase]] = {}  # method name -> its model
_listeners: list[Callable[[], None]] = []


def _model_of(module) -> type[IndicatorBase]:
    """The module's MODEL, checked: a method that cannot name, label, describe or score itself is a bug here."""
    model = getattr(module, "MODEL", None)
    name = getattr(module, "__name__", repr(module))
    if not (isinstance(model, type) and issubclass(model, IndicatorBase)):
        raise TypeError(f"{name}: MODEL must be a subclass of IndicatorBase")
    if model.method_name() is None:
        raise TypeError(f"{name}: {model.__name__}.method must be Literal[\"<one name>\"]")
    if not model.method_label:
        raise TypeError(f"{name}: {model.__name__} has no method_label")
    if model.describe is IndicatorBase.describe:
        raise TypeError(f"{name}: {model.__name__} does not implement describe")
    if model.score is IndicatorBase.score and model.score_one is IndicatorBase.score_one:
        raise TypeError(f"{name}: {model.__name__} implements neither score nor score_one")
    return model


def register(module) -> type[IndicatorBase]:
    """Add a method module to the registry; the scheme accepts it from then on."""
    model = _model_of(module)
    name = model.method_name()
    if METHODS.get(name, model) is not model:
        raise ValueError(f"method {name!r} is registered already ({METHODS[name].__module__})")
    METHODS[name] = model
    for listener in _listeners:
        listener()
    return model


def unregister(name: str) -> None:
    """Remove a method registered at run time (tests)."""
    METHODS.pop(name)
    for listener in _listeners:
        listener()


def on_change(listener: Callable[[], None]) -> None:
    """Call `listener` whenever the registry changes (the scheme rebuilds its `Indicator` union)."""
    _listeners.append(listener)


def union():
    """The registered models as one discriminated union on `method`: what `[[indicators]]` entries validate as."""
    models = tuple(METHODS.values())
    return Annotated[Union[models], Field(discriminator="method")]  # noqa: UP007 - built at run time


def owners(key: str) -> list[type[IndicatorBase]]:
    """The methods that have `key` as a parameter of their own (not one of the keys every indicator has)."""
    if key in IndicatorBase.model_fields:
        return []
    return [m for m in METHODS.values() if key in m.model_fields]


for _module in MODULES:
    register(_module)
