"""kaohe: batch pipeline for government target-management and performance assessment.

Stages (each a sub-package that can be used and tested alone):
ingest -> normalize -> score -> render. Data flows one way.
"""

__version__ = "0.1.0"
