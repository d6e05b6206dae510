"""Plain-Python heart of Likeness Guard: no Qt here (an import-linter contract checks it)."""
