"""Render stage: official workbooks, the report and results.json from the results dict. Never computes scores."""
