#!/usr/bin/env python3
"""Joins the benchmark's metrics (evaluate.py --output metrics.json) with the
harness's stats.json and build-weight.tsv into the Markdown tables of README.md.

usage: report.py RUN_DIR [build-weight.tsv]
"""
import csv
import json
import sys
from pathlib import Path

run = Path(sys.argv[1])
bw_path = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).with_name("build-weight.tsv")
metrics = json.loads((run / "metrics.json").read_text())
stats = json.loads((run / "stats.json").read_text())

rows = []
for name, m in metrics.items():
    s = stats.get(name)
    if s is None:
        continue
    rows.append((m["f1"], name, m, s))
rows.sort(key=lambda r: -r[0])

print("| variant | crate | version | body from | F1 | precision | recall | ms/page | empty (err) | paras out/gt | options |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for f1, name, m, s in rows:
    print(
        f"| {name} | {s['crate']} | {s['version']} | {s['mode']} | {f1:.3f} ± {m['f1_std']:.3f} | "
        f"{m['precision']:.3f} | {m['recall']:.3f} | {s['mean_ms']:.1f} | "
        f"{s['empty']} ({s['errors'] + s['panics']}) | {s['para_ratio_median']:.2f} | {s['note']} |"
    )

print()
print("Metadata returned (pages of 181 with a non-empty field; default variant of each crate):")
print()
print("| crate | title | author/byline | site name | published | url |")
print("|---|---|---|---|---|---|")
seen = set()
for f1, name, m, s in sorted(rows, key=lambda r: r[1]):
    if s["crate"] in seen or s["mode"] not in ("text", "html") or "nourl" in name:
        continue
    seen.add(s["crate"])
    print(f"| {s['crate']} | {s['meta_title']} | {s['meta_author']} | {s['meta_site']} | "
          f"{s['meta_published']} | {s['meta_url']} |")

if bw_path.exists():
    print()
    print("| crate | dependency line | tree lines (brief's command) | crates | names new to clippings HEAD | html5ever / markup5ever |")
    print("|---|---|---|---|---|---|")
    with bw_path.open() as f:
        for r in csv.DictReader(f, delimiter="\t"):
            print(f"| {r['crate']} | `{r['dep']}` | {r['tree_lines']} | {r['crates']} | {r['new_vs_main']} | {r['html5ever_markup5ever']} |")
