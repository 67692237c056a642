"""The benchmarks (bench/, run by hand) still import: a renamed function fails here, in CI,
not on the day someone measures."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "bench").glob("*.py")
               if p.stem not in ("__init__", "bare_bot"))


@pytest.mark.parametrize("name", BENCH)
def test_a_benchmark_imports(name: str) -> None:
    importlib.import_module(f"bench.{name}")
