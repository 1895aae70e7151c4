#!/usr/bin/env python3
"""Corpus figures for README: per kind of copy, the cells xxgk gets right,
leaves null, and gets wrong, against each sample's truth or expected file.

    cargo build --release && python3 scripts/corpus_figures.py

A cell is right when xxgk gives the file's number, or null where a truth
file says the page leaves it blank; null when xxgk gives nothing (an
expected file's empty value is a cell its author left null too); wrong when
xxgk gives any other number.
"""
import csv
import io
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "xxgk"

KINDS = [
    ("clean pages and GBK copies", [
        ("01_shanghai-gov-office-2019.html", "01_shanghai-gov-office-2019.truth.csv"),
        ("08_shuyang-county-fgj-2023.html", "08_shuyang-county-fgj-2023.truth.csv"),
        ("09_pingtan-2024.html", "09_pingtan-2024.truth.csv"),
        ("09_pingtan-2024.gbk.html", "09_pingtan-2024.truth.csv"),
        ("seed-shaodong-2023.txt", "seed-shaodong-2023.truth.csv"),
        ("seed-shaodong-2023.gbk.txt", "seed-shaodong-2023.truth.csv"),
    ]),
    ("text and Markdown re-exports (variants/)", [
        ("variants/pingtan-2024.lines.txt", "09_pingtan-2024.truth.csv"),
        ("variants/pingtan-2024.md", "09_pingtan-2024.truth.csv"),
        ("variants/shanghai-2019.lines.txt", "01_shanghai-gov-office-2019.truth.csv"),
        ("variants/shanghai-2019.md", "01_shanghai-gov-office-2019.truth.csv"),
    ]),
    ("Markdown dump 02", [("hard/02_shuyang-county-2025.txt", "hard/02_shuyang-county-2025.expected.csv")]),
    ("glued dumps 05, 06, 07, 10, 11", [
        (f"hard/{n}.txt", f"hard/{n}.expected.csv")
        for n in ["05_pingtan-2021", "06_pingtan-2019", "07_pingtan-2020", "10_pingtan-2022", "11_pingtan-2023"]
    ]),
    ("PDF dumps 03, 04 and fragment 13 (expected lists the verified cells)", [
        (f"hard/{n}.txt", f"hard/{n}.expected.csv")
        for n in ["03_shanghai-stcsm-2024", "04_shanghai-gov-office-2025", "13_unknown-city-2024-section3-fragment"]
    ]),
    ("crawl-archive copies 14, 15, 16", [
        (f"hard/{n}.txt", f"hard/{n}.expected.csv")
        for n in ["14_hebei-jyt-2021", "15_putian-hyyyj-2021", "16_hebei-gxt-2019"]
    ]),
]


def cells_of(path):
    out = subprocess.run([BIN, "extract", path, "--format", "csv-long"],
                         capture_output=True, text=True, cwd=ROOT).stdout
    rows = csv.reader(io.StringIO(out))
    next(rows)
    return {(r[3], r[4], r[5]): r[6] for r in rows if r[5] != "amount_unit"}


def truth_of(path):
    with open(ROOT / "samples" / path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        return {(r[0], r[1], r[2]): r[3] for r in rows if r[2] != "amount_unit"}


def main():
    for kind, pairs in KINDS:
        right = null = wrong = total = 0
        for page, truth_file in pairs:
            got = cells_of(f"samples/{page}")
            truth = truth_of(truth_file)
            blank_is_right = truth_file.endswith(".truth.csv")
            for key, want in truth.items():
                value = got.get(key, "")
                total += 1
                if value == want and (want or blank_is_right):
                    right += 1
                elif value == "":
                    null += 1
                else:
                    wrong += 1
                    print(f"  WRONG {page} {key}: {value!r} (file: {want!r})", file=sys.stderr)
            # A number the file does not list at all is wrong too.
            wrong += sum(1 for k, v in got.items() if v and k not in truth)
        print(f"| {kind} | {right:,} / {total:,} | {null:,} | {wrong} |")


if __name__ == "__main__":
    main()
