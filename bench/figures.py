"""How the benchmarks count and print: medians and p95s, tables, JSON."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from bench.harness.servers import ROOT

RESULTS = ROOT / "bench-results"


def summary(values: list[float]) -> dict:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {"median_ms": round(statistics.median(values), 2), "p95_ms": round(p95, 2), "n": len(values)}


def print_table(header: list[str], rows: list[list], *, first_width: int = 10) -> None:
    """Left-aligned first column, the rest right-aligned to their widest cell."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    widths[0] = max(widths[0], first_width)
    print(" ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(header)))
    for row in cells:
        print(" ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)))


def write_results(prefix: str, result: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
