"""How the benchmarks count and print: medians and p95s, the dashboard's overhead in floors, tables, JSON.

The floor is the bare Django JSON view (bench/floor.py) behind the same
gunicorn settings, measured in the same run: what one request costs on this
machine right now. A figure in floors holds still on a busy, shared machine
where milliseconds do not, and cannot improve by making the API slower.
"""

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


def overhead(dashboard_ms: float, api_ms: float, floor_ms: float, target: float | None) -> dict:
    """What the dashboard adds on top of the same API calls made directly, in floors, against its target."""
    floors = (dashboard_ms - api_ms) / floor_ms
    return {
        "ms": round(dashboard_ms - api_ms, 2),
        "floors": round(floors, 2),
        "target_floors": target,
        "ok": None if target is None else floors <= target,
    }


def overhead_cells(o: dict) -> list[str]:
    """+ms, floors, target, verdict."""
    verdict = "-" if o["ok"] is None else "ok" if o["ok"] else "over"
    target = "-" if o["target_floors"] is None else f"<= {o['target_floors']:g}"
    return [f"{o['ms']:.1f}", f"{o['floors']:.1f}", target, verdict]


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
