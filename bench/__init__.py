"""Benchmarks for the engine: ``python -m bench`` (see docs/performance.md). Not part of the tests."""
