"""Command-line start-up: ``python -m pipeline --help`` against a bare interpreter.

Sub-commands are imported only when they run, so the help costs an interpreter start plus
argparse. Wall time of the whole process, best and median of 15 runs each; target (issue 9):
``--help`` ≤ 0.3 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = 15
TARGET_S = 0.3
CASES = [
    ("python -c pass (interpreter alone)", ["-c", "pass"]),
    ("python -m pipeline --help", ["-m", "pipeline", "--help"]),
    ("python -m pipeline extract --help", ["-m", "pipeline", "extract", "--help"]),
    ("python -m pipeline warehouse --help", ["-m", "pipeline", "warehouse", "--help"]),
]


def wall_times(args: list[str]) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=REPO, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    print(f"{'command':<40}{'best s':>8}{'median s':>10}")
    results = {}
    for name, args in CASES:
        times = wall_times(args)
        results[name] = min(times)
        print(f"{name:<40}{min(times):>8.3f}{statistics.median(times):>10.3f}")
    best = results["python -m pipeline --help"]
    verdict = "within" if best <= TARGET_S else "OVER"
    print(f"\n--help best {best:.3f} s: {verdict} the {TARGET_S} s target")


if __name__ == "__main__":
    main()
