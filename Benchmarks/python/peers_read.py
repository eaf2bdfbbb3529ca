#!/usr/bin/env python3
"""pandas peer of `vae-pipeline inspect`: stream the compressed CSV in chunks and touch both
question columns (count non-null values), the usual way Python code reads Quora's train.csv.

  peers_read.py FILE [--result OUT.json]
"""
import argparse
import json

import pandas as pd


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--result")
    a = ap.parse_args()
    rows = 0
    non_null = 0
    # compression is inferred from the suffix (.gz → zlib, .zst → zstandard module if present).
    for chunk in pd.read_csv(a.file, chunksize=50_000, usecols=["question1", "question2"]):
        rows += len(chunk)
        non_null += int(chunk["question1"].notna().sum()) + int(chunk["question2"].notna().sum())
    out = {"rows": rows, "records": non_null}
    if a.result:
        with open(a.result, "w") as f:
            json.dump(out, f)


if __name__ == "__main__":
    main()
