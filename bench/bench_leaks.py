"""Leak matching, Vigie against Splink on the same synthetic data, in the same run: accuracy, time, memory.

    python bench/bench_leaks.py --patients 100000 --leak 500000 --runs 2     # generates var/leak-100k-500k/
    python bench/bench_leaks.py --patients 10000 --leak 50000 --runs 3

Needs the Splink environment (``bench/requirements-splink.txt``) at ``var/splink-venv`` (or ``--splink-python``).
Each tool runs in its own process, as a user would run it: ``vigie leak match PATIENTS LEAK --output …`` and
``bench/splink_leaks.py PATIENTS LEAK --output …``, alternately (Vigie, Splink, Vigie, Splink…) so that a change
of load on the shared machine hits both; the load average (``uptime``) is printed beside each run. Wall time,
CPU time (user + system, children included) and peak memory are measured from outside: memory as the
largest proportional set size (PSS) of the process and its children, sampled every 0.2 s (pages shared by
Vigie's forked processes counted once), with the maximum RSS of the main process beside it.

Accuracy, against ``truth.csv``: a leaked row decided ``match`` is a true positive when its patient is the right
one; precision = true / decided matches; recall = true / leaked rows that are one of our patients; the review
band is the share of leaked rows decided ``review`` (for Splink, a match probability from 0.5 up). Splink is scored at its own automatic threshold (match
probability ≥ 0.99) and, to be generous, at the threshold that maximises its F1 on the truth (which a user
could not know).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPLINK_REVIEW = 0.5  # Splink's review band: match probability from 0.5 to its automatic threshold


def uptime() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__().replace("'", "")


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return pids


def _pss_mb(pid: int) -> float:
    """Proportional set size of a process and its children (shared pages counted once, split between them)."""
    total = 0
    for member in _tree(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run(command: list[str]) -> dict[str, float | str]:
    load_before = uptime()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ})  # noqa: S603
    assert process.stdout is not None and process.stderr is not None
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], _pss_mb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{out}\n{err}")
    # CPU and maximum RSS from wait4 cover the process and its children once they have been waited for.
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "pss_mb": peak[0],
            "load": f"{load_before} → {uptime()}", "stdout": out}  # fmt: skip


def truth(folder: Path) -> dict[int, int | None]:
    with (folder / "truth.csv").open(encoding="utf-8") as file:
        rows = csv.reader(file, delimiter=";")
        next(rows)
        return {int(leak): int(patient) if patient else None for leak, patient in rows}


def read_matches(path: Path) -> dict[int, tuple[int, float, str]]:
    with path.open(encoding="utf-8") as file:
        rows = csv.reader(file, delimiter=";")
        header = next(rows)
        assert header == ["leak_line", "patient_line", "score", "decision"], header
        return {int(leak): (int(patient), float(score), decision) for leak, patient, score, decision in rows}


def score(
    found: dict[int, tuple[int, float, str]],
    expected: dict[int, int | None],
    threshold: float | None = None,
    review_floor: float = 0.0,
) -> dict[str, float]:
    """Precision, recall and F1 of the automatic matches (``threshold``: re-decide on the score instead); the
    review band counts the other rows written, from ``review_floor`` up."""
    positives = sum(patient is not None for patient in expected.values())
    true = false = review = 0
    for line, (patient, value, decision) in found.items():
        if threshold is not None:
            decision = "match" if value >= threshold else "review"
        if decision == "match":
            if expected.get(line) == patient:
                true += 1
            else:
                false += 1
        elif value >= review_floor:
            review += 1
    precision = true / (true + false) if true + false else 0.0
    recall = true / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "review": review / len(expected),
            "false_matches": false, "missed": positives - true}  # fmt: skip


def best_threshold(
    found: dict[int, tuple[int, float, str]], expected: dict[int, int | None]
) -> tuple[float, dict[str, float]]:
    candidates = sorted({round(value, 4) for _patient, value, _decision in found.values()})
    step = max(1, len(candidates) // 400)
    best = (0.99, score(found, expected, 0.99, SPLINK_REVIEW))
    for threshold in candidates[::step] + [0.5, 0.9, 0.95, 0.99, 0.999, 0.9999]:
        result = score(found, expected, threshold, SPLINK_REVIEW)
        if result["f1"] > best[1]["f1"]:
            best = (threshold, result)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--leak", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--splink-python", type=Path, default=ROOT / "var" / "splink-venv" / "bin" / "python")
    parser.add_argument("--only", choices=("vigie", "splink"), help="run one tool only")
    args = parser.parse_args(argv)
    folder = ROOT / "var" / f"leak-{args.patients // 1000}k-{args.leak // 1000}k"
    if not (folder / "truth.csv").exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate_leak.py"), "--patients", str(args.patients),  # noqa: S603
                        "--leak", str(args.leak), "--seed", str(args.seed), "--output", str(folder)], check=True)  # fmt: skip
    expected = truth(folder)
    patients, leak = folder / "patients.csv", folder / "leak.csv"
    vigie = [str(ROOT / ".venv" / "bin" / "vigie"), "leak", "match", str(patients), str(leak), "--json"]
    splink = [
        str(args.splink_python),
        str(ROOT / "bench" / "splink_leaks.py"),
        str(patients),
        str(leak),
        "--review",
        "0.01",
    ]
    rows = []
    for number in range(1, args.runs + 1):
        for tool, command in (("Vigie", vigie), ("Splink", splink)):
            if args.only and args.only != tool.lower():
                continue
            output = folder / f"{tool.lower()}-{number}.csv"
            measured = run([*command, "--output", str(output)])
            found = read_matches(output)
            accuracy = score(found, expected, review_floor=SPLINK_REVIEW if tool == "Splink" else 0.0)
            line = {"tool": tool, "run": number, **{k: v for k, v in measured.items() if k != "stdout"}, **accuracy}
            if tool == "Splink":
                threshold, oracle = best_threshold(found, expected)
                line["oracle"] = {"threshold": threshold, **oracle}
                line["phases"] = json.loads(measured["stdout"].strip().splitlines()[-1])["phases"]  # type: ignore[union-attr]
            rows.append(line)
            print(json.dumps(line, default=lambda value: round(value, 5) if isinstance(value, float) else str(value)))
    print()
    print(
        f"{args.patients:,} patients × {len(expected):,} leaked rows, {sum(v is not None for v in expected.values()):,} of them our patients"
    )
    print(
        "| tool | run | wall | CPU | peak memory (PSS) | precision | recall | F1 | review band | load (before → after) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for line in rows:
        print(f"| {line['tool']} | {line['run']} | {line['wall']:.1f} s | {line['cpu']:.1f} s | {line['pss_mb']:.0f} MB | "
              f"{line['precision']:.4f} | {line['recall']:.4f} | {line['f1']:.4f} | {line['review']:.2%} | {line['load']} |")  # fmt: skip
        if "oracle" in line:
            oracle = line["oracle"]
            print(f"| Splink at its best threshold ({oracle['threshold']}) | {line['run']} | | | | {oracle['precision']:.4f} | "
                  f"{oracle['recall']:.4f} | {oracle['f1']:.4f} | {oracle['review']:.2%} | |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
