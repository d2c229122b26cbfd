"""The replay benchmark runs end to end on labeled CSV files and prints the four shares."""

import csv
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "label"])
        writer.writerows(rows)


def _rows(prefix: str, count: int):
    for i in range(count):
        yield (
            f"{prefix}s{i}",
            f"Bot {i}",
            "2026-01-01T00:00:00",
            f"subscribe to my channel for free prizes http://{prefix}prize{i}.example",
            1,
        )
        yield (
            f"{prefix}h{i}",
            f"Reader {i}",
            "2026-01-01T00:00:00",
            f"The argument about the levy in paragraph {prefix}{i} is weaker than it looks.",
            0,
        )


def test_replay_prints_accuracy_and_three_way_shares_as_json(tmp_path):
    _write(tmp_path / "train.csv", _rows("t", 15))
    _write(tmp_path / "test.csv", _rows("x", 5))
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "spam_replay.py"),
            "--train",
            str(tmp_path / "train.csv"),
            "--test",
            str(tmp_path / "test.csv"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    shares = json.loads(result.stdout)
    assert shares["comments"] == 10
    for key in ("accuracy", "auto_decided", "ham_to_spam", "spam_to_approved"):
        assert 0.0 <= shares[key] <= 1.0
    assert shares["accuracy"] == 1.0


def test_leaving_one_source_out_prints_each_source_the_total_and_the_budget_fit(tmp_path, capsys):
    for prefix in ("a", "b", "c"):
        _write(tmp_path / f"video-{prefix}.csv", _rows(prefix, 12))
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "spam_replay.py"), "--data", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    figures = json.loads(result.stdout)
    assert list(figures["sources"]) == ["video-a", "video-b", "video-c"]
    for source in figures["sources"].values():
        assert source["default"]["comments"] == 24
        assert (source["default"]["ham_threshold"], source["default"]["spam_threshold"]) == (0.10, 0.85)
        # 48 training decisions are too few to fit: the thresholds stay and the fit says why.
        assert "Kept the current thresholds: 48 moderator decisions" in source["budget"]["fit"]["note"]
    assert figures["total"]["default"]["comments"] == figures["total"]["budget"]["comments"] == 72
    # The table a person reads is printed from the same figures.
    spec = importlib.util.spec_from_file_location("spam_replay", ROOT / "bench" / "spam_replay.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.print_leave_one_out(figures, tmp_path)
    table = capsys.readouterr().out
    assert "video-b" in table and "fitted to budget" in table and "Kept the current thresholds" in table
