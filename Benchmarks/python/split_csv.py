"""Splits a gzip CSV into N gzip CSV files of consecutive rows, each with the header.

    python3 split_csv.py INPUT.csv.gz OUTDIR N

Rows are parsed as CSV (fields may hold quoted newlines), so every part is a valid CSV and the
parts' rows, concatenated in part order, are the input's rows. Parts are compressed with pigz
(or gzip) at level 6. Used by Benchmarks/sharded-tokenize.sh.
"""
import csv, gzip, os, shutil, subprocess, sys

def main():
    source, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    csv.field_size_limit(1 << 30)
    with gzip.open(source, "rt", newline="", encoding="utf-8") as f:
        rows = sum(1 for _ in csv.reader(f)) - 1
    per = -(-rows // n)
    compressor = shutil.which("pigz") or "gzip"
    with gzip.open(source, "rt", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        for part in range(n):
            path = os.path.join(out, f"part-{part:02d}.csv")
            with open(path, "w", newline="", encoding="utf-8") as o:
                writer = csv.writer(o, lineterminator="\n")
                writer.writerow(header)
                for _, row in zip(range(per), reader):
                    writer.writerow(row)
            subprocess.run([compressor, "-6", "-f", path], check=True)
    print(f"{rows} rows in {n} parts of up to {per}")

if __name__ == "__main__":
    main()
