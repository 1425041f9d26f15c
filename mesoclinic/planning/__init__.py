"""The planning engine: concerns x zones x patient -> a sourced, per-zone plan.

Pure Python, sans I/O: it imports nothing of Django (a lint rule enforces it). Request values in
(``model.PlanRequest``), a ``model.Plan`` out; the knowledge base is data in ``data/*.toml``.
"""
