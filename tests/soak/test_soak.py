"""The soak's short form: one minute of a dozen staff and doors while the API misbehaves (soak/run.py).

The long form is `make soak`; both check the sandbox's data against what
every simulated person was told, and fail on any 500 page.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_minute_under_faults_keeps_every_promise_made_to_staff(tmp_path):
    run = subprocess.run(
        [sys.executable, "soak/run.py", "--minutes", "1", "--clients", "12", "--dir", str(tmp_path / "soak")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-4000:]
    line = next(line for line in run.stdout.splitlines() if line.startswith("SOAK-SUMMARY "))
    summary = json.loads(line.removeprefix("SOAK-SUMMARY "))
    assert summary["invariants_failed"] == 0
    assert summary["refunds_done"] > 0
    assert summary["admitted"] > 0
    assert summary["status_500"] == 0
    assert summary["status"].get("500", 0) == 0
    assert sum(summary["faults_injected"].values()) > 0  # the API really misbehaved
