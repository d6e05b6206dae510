"""The report tests' evidence scan (local files and a web page), shared with these tests."""

from tests.unit.report.conftest import evidence_data, evidence_store

__all__ = ["evidence_data", "evidence_store"]
