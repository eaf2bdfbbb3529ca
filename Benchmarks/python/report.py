#!/usr/bin/env python3
"""Turns the raw runs of bench.py into the results table (terminal text and Markdown).

  report.py [results/latest.json]      re-renders FILE.md from FILE.json and prints the table

Ratios: on each peer row, "vae ÷ peer" = median throughput of vae-pipeline on the same work item
÷ median throughput of that peer, in the same run. > 1 means vae-pipeline is faster.
"""
from __future__ import annotations

import json
import re
import os
import statistics
import sys

MIB = 1024 * 1024

UNITS = {
    "read": "MB/s = 10^6 bytes of uncompressed CSV per second",
    "memory": "MB/s = 10^6 bytes of uncompressed CSV per second; the point is peak RSS",
    "tokenize": "MB/s = 10^6 bytes of question text (both columns) per second, end to end file → ids",
    "vocab": "MB/s = 10^6 bytes of question text per second, end to end file → vocabulary",
    "embeddings": "MB/s = 10^6 bytes of uncompressed vector text per second",
    "train": "tokens/s = non-pad target tokens (chars for char models) per second, forward+backward+Adam",
}

# (suite, work contains, tool starts with) → minimum vae ÷ peer ratio
GOALS = [
    ("read", ".gz", "zcat", 2.4), ("read", ".gz", "igzip", 0.9), ("read", ".zst", "zstd -dc", 0.9),
    ("read", "", "pandas", 2.0),
    ("tokenize", "", "PyICU", 4.0), ("tokenize", "", "HF tokenizers", 20.0),
    ("tokenize", "", "ICU C loop", 1.3),
    ("vocab", "", "Python Counter", 4.0), ("vocab", "", "HF tokenizers", 4.0),
    ("embeddings", ".txt", "gensim", 50.0), ("embeddings", ".txt", "Python streaming", 1.0),
    ("embeddings", ".zip", "Python zipfile", 1.0),
    ("train", "sentence_vae", "PyTorch", 1.5), ("train", "bowman", "PyTorch", 1.2),
    ("train", "vrnn", "PyTorch", 3.0), ("train", "char_rvae", "PyTorch", 1.2),
]
MEMORY_RSS_GOAL_MIB = 64
MEMORY_FLAT_GOAL = 1.1
EMBEDDINGS_RSS_GOAL_MIB = (12_000 * 300 * 4) / MIB + 64


def goal_for(suite: str, work: str, tool: str):
    for s, w, t, g in GOALS:
        if s == suite and w in work and tool.startswith(t):
            return g
    return None


def fmt_num(x: float) -> str:
    if x is None:
        return "—"
    if x >= 1000:
        return f"{x:,.0f}"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def summarize(doc: dict) -> list[dict]:
    groups: dict[tuple, list] = {}
    for r in doc["runs"]:
        groups.setdefault((r["suite"], r["work"], r["tool"]), []).append(r)
    rows = []
    for (suite, work, tool), rs in groups.items():
        ok = [r for r in rs if r["exit_code"] == 0]
        rows.append({
            "suite": suite, "work": work, "tool": tool, "role": rs[0]["role"], "unit": rs[0]["unit"],
            "runs": len(rs), "ok": len(ok),
            "wall_s": median([r["wall_s"] for r in ok]),
            "throughput": median([r.get("throughput") for r in ok]),
            "rss_mib": median([r["max_rss_kib"] / 1024 if r.get("max_rss_kib") else None for r in ok]),
            "problems": sorted({p for r in rs for p in r.get("problems", [])}),
            "load": median([r.get("loadavg_1m_before") for r in rs]),
            "positions_per_s": median([r.get("positions_per_s") for r in ok]),
            "single_core_mb_per_s": median([r.get("single_core_mb_per_s") for r in ok]),
            "flops_per_position": median([r.get("flops_per_position") for r in ok]),
        })
    vae = {(r["suite"], r["work"]): r for r in rows if r["role"] == "vae"}
    for r in rows:
        r["ratio"] = r["goal"] = r["verdict"] = None
        if r["role"] == "vae":
            if r["suite"] == "memory" and "train" in r["tool"]:
                r["goal"] = "flat (see below)"
            elif r["suite"] == "memory":
                r["goal"] = f"RSS ≤ {MEMORY_RSS_GOAL_MIB} MiB"
                if r["rss_mib"] is not None:
                    r["verdict"] = "ok" if r["rss_mib"] <= MEMORY_RSS_GOAL_MIB else "MISSED"
            elif r["suite"] == "embeddings":
                r["goal"] = f"RSS ≤ {EMBEDDINGS_RSS_GOAL_MIB:.0f} MiB"
                if r["rss_mib"] is not None:
                    r["verdict"] = "ok" if r["rss_mib"] <= EMBEDDINGS_RSS_GOAL_MIB else "MISSED"
            if r["problems"]:
                r["verdict"] = "MISMATCH"
            continue
        g = goal_for(r["suite"], r["work"], r["tool"])
        r["goal"] = f"≥ {g:g}×" if g is not None else ("info" if r["role"] == "info" else "—")
        v = vae.get((r["suite"], r["work"]))
        if v and v["throughput"] and r["throughput"]:
            r["ratio"] = v["throughput"] / r["throughput"]
            if g is not None:
                r["verdict"] = "ok" if r["ratio"] >= g else "MISSED"
        elif g is not None:
            r["verdict"] = "no vae side"
    return rows


def memory_summary(rows: list[dict]) -> str | None:
    """One line per tool: peak RSS on the smallest and the largest file and their ratio. `inspect`
    must also stay under MEMORY_RSS_GOAL_MIB; `train --stream` holds a model, so only flatness counts."""
    lines = []
    for tool in dict.fromkeys(r["tool"] for r in rows if r["suite"] == "memory"):
        mem = [r for r in rows if r["suite"] == "memory" and r["tool"] == tool and r["rss_mib"]]
        if len(mem) < 2:
            continue
        small, large = mem[0], mem[-1]
        ratio = large["rss_mib"] / small["rss_mib"]
        cap = "train" not in tool
        ok = ratio <= MEMORY_FLAT_GOAL and (not cap or max(small["rss_mib"], large["rss_mib"]) <= MEMORY_RSS_GOAL_MIB)
        goal = f"≤ {MEMORY_FLAT_GOAL}" + (f" and ≤ {MEMORY_RSS_GOAL_MIB} MiB" if cap else "")
        lines.append(f"memory ({tool}): peak RSS {small['rss_mib']:.1f} MiB ({small['work'].split()[-1]}) → "
                     f"{large['rss_mib']:.1f} MiB ({large['work'].split()[-1]}), ratio {ratio:.2f} (goal {goal}): "
                     + ("ok" if ok else "MISSED"))
    return "\n".join(lines) or None


def whole_pipeline_summary(rows: list[dict]) -> str | None:
    """A `train --stream` row (work "… (compare with train MODEL)") against PyTorch on MODEL in
    the same run: the faster of PyTorch's two OpenMP policies, and MODEL's train goal."""
    lines = []
    for r in rows:
        m = re.search(r"\(compare with (train \w+)\)", r["work"])
        if r["suite"] != "train" or r["role"] != "vae" or not m or not r["throughput"]:
            continue
        peers = [p for p in rows if p["suite"] == "train" and p["work"] == m.group(1)
                 and p["tool"].startswith("PyTorch") and p["throughput"]]
        if not peers:
            continue
        best = max(peers, key=lambda p: p["throughput"])
        ratio = r["throughput"] / best["throughput"]
        g = goal_for("train", m.group(1), "PyTorch")
        verdict = "" if g is None else f" (goal ≥ {g:g}×): " + ("ok" if ratio >= g else "MISSED")
        lines.append(f"{r['work'].split(' (')[0]}: {fmt_num(r['throughput'])} {r['unit']} ÷ {best['tool']} on "
                     f"{m.group(1)} {fmt_num(best['throughput'])} = {ratio:.2f}×{verdict}")
    return "\n".join(lines) or None


HEAD = ["suite", "work", "tool", "runs ok", "median s", "throughput", "peak RSS MiB", "vae ÷ peer", "goal", "verdict",
        "load"]


def table_rows(rows):
    out = []
    for r in rows:
        thr = f"{fmt_num(r['throughput'])} {r['unit']}" if r["throughput"] is not None else "—"
        tool = r["tool"] + (" ◀" if r["role"] == "vae" else "")
        out.append([r["suite"], r["work"].split(" ", 1)[1] if " " in r["work"] else r["work"], tool,
                    f"{r['ok']}/{r['runs']}", fmt_num(r["wall_s"]), thr,
                    fmt_num(r["rss_mib"]), f"{r['ratio']:.2f}×" if r["ratio"] is not None else "—",
                    r["goal"] or "—", r["verdict"] or "—", f"{r['load']:.1f}" if r["load"] is not None else "—"])
    return out


def render(doc: dict) -> str:
    m = doc["meta"]
    rows = summarize(doc)
    mc = m["machine"]
    lines = [
        "# vae-pipeline benchmarks — latest run", "",
        f"- date: {m['date_utc']} (finished {m.get('finished_utc', '?')})",
        f"- machine: {mc['nproc']} cores, {mc['cpu']}, {mc.get('mem_gib', '?')} GiB, kernel {mc.get('kernel', '?')}",
        *[f"- {k}: {v}" for k, v in mc.get("numeric_paths", {}).items()],
        f"- git: {m['git']}",
        f"- command: `{m['command']}`",
        f"- mode: {'quick' if m['quick'] else 'full'}, {m['reps']} repetition(s) per tool, tools alternated",
        f"- 1-minute load average at end: {m['loadavg_at_end'][0]:.2f} (others' work on the machine shows up here)",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items()),
        "",
        "Ratios are computed within this run only: **vae ÷ peer = median throughput of vae-pipeline ÷ median "
        "throughput of that peer on the same input**; > 1 means vae-pipeline is faster. The vae-pipeline row "
        "of each input is marked ◀. Wall time is measured around each process (monotonic clock), peak RSS "
        "comes from `/usr/bin/time -v`; `load` is the median 1-minute load average when the runs started "
        "(above 2 on this 2-core machine means other work competed).", "",
    ]
    if m.get("notes"):
        lines += ["Notes:", ""] + [f"- {n}" for n in m["notes"]] + [""]
    for suite in m["suites"]:
        srows = [r for r in rows if r["suite"] == suite]
        if not srows:
            continue
        lines += [f"## {suite}", "", f"Throughput: {UNITS.get(suite, '')}.", ""]
        lines.append("| " + " | ".join(HEAD[1:]) + " |")
        lines.append("|" + "---|" * (len(HEAD) - 1))
        for tr in table_rows(srows):
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in tr[1:]) + " |")
        for r in srows:
            for p in r["problems"]:
                lines.append(f"\n**MISMATCH** {r['tool']} on {r['work']}: {p}")
        if suite == "memory":
            ms = memory_summary(rows)
            if ms:
                lines += ["", ms]
        if suite == "train":
            ws = whole_pipeline_summary(rows)
            if ws:
                lines += ["", ws]
        # Effective GFLOP/s: positions/s × the model's multiply-add work per position
        # (model-benchmark's effective_flops_per_position), the same formula for every tool.
        flops = {r["work"]: r["flops_per_position"] for r in srows if r.get("flops_per_position")}
        for r in srows:
            if r["positions_per_s"]:
                line = f"\n{r['work']}, {r['tool']}: {fmt_num(r['positions_per_s'])} positions/s (batch × length)"
                if r["work"] in flops:
                    line += f", {r['positions_per_s'] * flops[r['work']] / 1e9:.1f} effective GFLOP/s"
                lines.append(line)
            if r["single_core_mb_per_s"]:
                lines.append(f"\nICU C loop on one core: {fmt_num(r['single_core_mb_per_s'])} MB/s of question text "
                             "(the row shows twice that: the two-core ceiling)")
        lines.append("")
    return "\n".join(lines) + "\n"


def render_terminal(doc: dict) -> str:
    rows = summarize(doc)
    body = table_rows(rows)
    if not body:
        return "(no runs)"
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(HEAD)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    out = [fmt.format(*HEAD), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*r) for r in body]
    for summary in (memory_summary(rows), whole_pipeline_summary(rows)):
        if summary:
            out += ["", summary]
    for r in rows:
        for p in r["problems"]:
            out.append(f"!! MISMATCH {r['tool']} on {r['work']}: {p}")
    out.append("")
    out.append("vae ÷ peer = vae-pipeline median throughput ÷ this peer's, same input, same run (◀ = vae-pipeline row)")
    return "\n".join(out)


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "results", "latest.json")
    doc = json.load(open(path))
    print(render_terminal(doc))
    with open(os.path.splitext(path)[0] + ".md", "w") as f:
        f.write(render(doc))


if __name__ == "__main__":
    main()
