"""Tests for likeness_guard.core.provenance and the inspect command."""
