"""Score stage: pure functions from (scheme, dataset) to results. Never touches files."""

from .engine import score

__all__ = ["score"]
