"""Scripts that measure speed, memory and robustness, each printing what it found (run them from
the repository root, as `make bench` and `make torture` do)."""
