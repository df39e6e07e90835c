"""Shared logic for the report on India's military logistics-support agreements:
loading and validating the data, charts, tables, findings and the build."""

__version__ = "0.3.0"
