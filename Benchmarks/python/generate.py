#!/usr/bin/env python3
"""Deterministic benchmark inputs.

  python3 generate.py csv --size 1g       Quora-like CSV (.csv.gz, .csv.zst, question text .txt, meta .json)
  python3 generate.py csv --size 1g --accented   the same with every "e" → "é" (quora_1g_accented.*)
  python3 generate.py vocab               the 12,000 most frequent question words (vocab12k.txt)
  python3 generate.py glove --rows 400000 GloVe-format vectors (.txt + .zip) containing that vocabulary
  python3 generate.py chars               tiny_shakespeare as plain text

Everything is seeded and reused when its marker (meta JSON with the same generator version and
parameters) is present, so repeated benchmark runs do not pay for generation.

The CSV part is standard-library only (CI runs `--no-python`, without the venv); the GloVe part
uses numpy because formatting 120 M floats in pure Python takes far too long.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import zipfile

GEN_VERSION = 3
HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
DATA = os.path.join(BENCH, "data")
SENTENCES = os.path.join(ROOT, "corpora", "web_sentences.txt.gz")
SHAKESPEARE = os.path.join(ROOT, "corpora", "tiny_shakespeare.txt.gz")

# Target uncompressed CSV sizes. The row stream is prefix-consistent: every size is a prefix of
# the same seeded sequence, so the vocabulary measured on the 20 MB prefix holds for all sizes.
SIZES = {"2m": 2_000_000, "20m": 20_000_000, "1g": 1_000_000_000, "2g": 2_000_000_000}
SEED = 20261122
VOCAB_SIZE = 12_000
VOCAB_SOURCE_SIZE = "20m"

# Keras' default Tokenizer filters; the vocabulary (and the Keras-style peer) split like this.
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_KERAS_TABLE = str.maketrans({c: " " for c in KERAS_FILTERS})


def keras_words(text: str) -> list[str]:
    return text.lower().translate(_KERAS_TABLE).split()


def log(msg: str) -> None:
    print(f"[generate] {msg}", file=sys.stderr, flush=True)


def read_meta(path: str) -> dict | None:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_json(path: str, obj) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def files_match(meta: dict, keys: list[str]) -> bool:
    # A marker only counts when every file it names is still there with its recorded size.
    for key in keys:
        entry = meta.get("files", {}).get(key)
        if not entry:
            return False
        p = os.path.join(DATA, entry["name"])
        if not os.path.exists(p) or os.path.getsize(p) != entry["bytes"]:
            return False
    return True


# --------------------------------------------------------------------------------------------
# Questions

STARTERS = [
    "What does it mean that", "Why is it said that", "Is it true that", "How do we know that",
    "Do you think that", "Can someone explain why", "What happens if", "Why do people say that",
    "How can I prove that", "Is it possible that", "What is the meaning of", "How would you explain",
    "Who first said that", "When did we learn that", "Where does the idea come from that",
    "Should I believe that", "What is the best way to understand why", "Why",
]
DUP_STARTERS = ["Is it true that", "Why is it that", "Can anyone explain why", "How come"]


def load_sentences() -> list[str]:
    with gzip.open(SENTENCES, "rt", encoding="utf-8") as f:
        out = [line.strip() for line in f]
    return [s for s in out if s]


class QuestionMaker:
    """Turns 1–2 corpus sentences into a question; ~1% carry an embedded newline and some carry
    straight double quotes (→ `""` escapes in the CSV), commas come from the sentences."""

    def __init__(self, sentences: list[str], rng: random.Random):
        self.s = sentences
        self.n = len(sentences)
        self.rng = rng

    def _core(self) -> str:
        r = self.rng
        a = self.s[int(r.random() * self.n)]
        x = r.random()
        if x < 0.15:
            b = self.s[int(r.random() * self.n)]
            sep = "\n" if r.random() < 0.07 else " "  # ≈1% of all questions overall
            a = a + sep + b
        elif x < 0.75:
            # Cut to 4–14 words: Quora questions are short (≈11 words on average).
            words = a.split(" ")
            if len(words) > 6:
                a = " ".join(words[: 4 + int(r.random() * min(len(words) - 4, 11))])
        return a.rstrip(" .!?;:,")

    def question(self) -> str:
        r = self.rng
        core = self._core()
        x = r.random()
        if x < 0.55:
            starter = STARTERS[int(r.random() * len(STARTERS))]
            q = f"{starter} {core[:1].lower()}{core[1:]}?"
        elif x < 0.85:
            q = core + "?"
        else:
            q = core + ". Why?"
        if r.random() < 0.02:
            words = q.split(" ")
            if len(words) > 3:
                i = int(r.random() * (len(words) - 2))
                words[i] = '"' + words[i]
                words[i + 1] = words[i + 1] + '"'
                q = " ".join(words)
        return q

    def duplicate_of(self, q: str) -> str:
        r = self.rng
        base = q.rstrip("?")
        starter = DUP_STARTERS[int(r.random() * len(DUP_STARTERS))]
        return f"{starter} {base[:1].lower()}{base[1:]}?"


def csv_quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def accent(text: str) -> str:
    """The accented variant: every "e" becomes "é" (U+00E9), so about one letter in ten is
    non-ASCII while words, lengths and vocabulary stay those of the plain stream."""
    return text.replace("e", "\u00e9")


def csv_rows(sentences: list[str], accented: bool = False):
    """Yields (csv_line, q1, q2) forever, deterministic for SEED."""
    rng = random.Random(SEED)
    qm = QuestionMaker(sentences, rng)
    rid = 0
    qid = 0
    while True:
        q1 = qm.question()
        dup = rng.random() < 0.37
        q2 = qm.duplicate_of(q1) if dup else qm.question()
        if accented:
            q1, q2 = accent(q1), accent(q2)
        line = f"{rid},{qid + 1},{qid + 2},{csv_quote(q1)},{csv_quote(q2)},{1 if dup else 0}\n"
        yield line, q1, q2
        rid += 1
        qid += 2


def gen_csv(size: str, want_text: bool, force: bool = False, accented: bool = False) -> dict:
    os.makedirs(DATA, exist_ok=True)
    target = SIZES[size]
    base = f"quora_{size}" + ("_accented" if accented else "")
    meta_path = os.path.join(DATA, base + ".json")
    meta = read_meta(meta_path)
    keys = ["gz", "zst"] + (["txt"] if want_text else [])
    if (not force and meta and meta.get("version") == GEN_VERSION and meta.get("target_bytes") == target
            and files_match(meta, keys)):
        log(f"{base}: reusing ({meta['rows']:,} rows, {meta['csv_bytes'] / 1e6:.1f} MB)")
        return meta
    for tool in ("gzip", "zstd"):
        if not shutil.which(tool):
            sys.exit(f"[generate] ERROR: '{tool}' is not installed (run.sh installs it with apt-get)")
    log(f"{base}: generating ≈{target / 1e6:,.0f} MB (seed {SEED}) → .csv.gz (gzip -6) and .csv.zst (zstd -3)")
    t0 = time.time()
    sentences = load_sentences()
    gz_path = os.path.join(DATA, base + ".csv.gz")
    zst_path = os.path.join(DATA, base + ".csv.zst")
    txt_path = os.path.join(DATA, base + ".questions.txt")
    # Both compressors run as child processes fed from the same blocks, so generation, gzip and
    # zstd overlap on the two cores; no plain CSV hits the disk.
    gz = subprocess.Popen(["gzip", "-6", "-c"], stdin=subprocess.PIPE, stdout=open(gz_path + ".tmp", "wb"))
    zs = subprocess.Popen(["zstd", "-3", "-q", "-c"], stdin=subprocess.PIPE, stdout=open(zst_path + ".tmp", "wb"))
    txt = open(txt_path + ".tmp", "w", encoding="utf-8") if want_text else None
    header = "id,qid1,qid2,question1,question2,is_duplicate\n"
    written = 0
    rows = 0
    text_bytes = 0
    newline_fields = 0
    quote_fields = 0
    block: list[str] = [header]
    questions: list[str] = []
    blen = len(header)

    def flush():
        # Statistics per block, not per row: the per-row loop is the generator's hot path.
        nonlocal block, questions, blen, written, text_bytes, newline_fields, quote_fields
        data = "".join(block).encode("utf-8")
        gz.stdin.write(data)
        zs.stdin.write(data)
        written += len(data)
        qtext = "".join(questions)
        text_bytes += len(qtext.encode("utf-8"))
        newline_fields += qtext.count("\n")  # at most one embedded newline per question
        quote_fields += qtext.count('"') // 2  # quoted phrases add exactly two quotes
        if txt is not None:
            txt.write("\n".join(q.replace("\n", " ") for q in questions) + "\n")
        block, questions, blen = [], [], 0

    for line, q1, q2 in csv_rows(sentences, accented):
        block.append(line)
        questions.append(q1)
        questions.append(q2)
        rows += 1
        blen += len(line)
        if blen >= 4_000_000:
            flush()
        if written + blen >= target:
            break
    flush()
    for p in (gz, zs):
        p.stdin.close()
        if p.wait() != 0:
            sys.exit("[generate] ERROR: compressor failed")
    if txt is not None:
        txt.close()
        os.replace(txt_path + ".tmp", txt_path)
    os.replace(gz_path + ".tmp", gz_path)
    os.replace(zst_path + ".tmp", zst_path)
    files = {
        "gz": {"name": os.path.basename(gz_path), "bytes": os.path.getsize(gz_path)},
        "zst": {"name": os.path.basename(zst_path), "bytes": os.path.getsize(zst_path)},
    }
    if want_text:
        files["txt"] = {"name": os.path.basename(txt_path), "bytes": os.path.getsize(txt_path)}
    meta = {
        "version": GEN_VERSION, "seed": SEED, "size": size, "target_bytes": target, "accented": accented,
        "rows": rows, "records": 2 * rows, "csv_bytes": written, "question_text_bytes": text_bytes,
        "fields_with_newline": newline_fields, "fields_with_quote": quote_fields,
        "files": files,
        "seconds": round(time.time() - t0, 1),
    }
    write_json(meta_path, meta)
    log(f"{base}: {rows:,} rows, {written / 1e6:.1f} MB CSV, gz {files['gz']['bytes'] / 1e6:.1f} MB, "
        f"zst {files['zst']['bytes'] / 1e6:.1f} MB, {newline_fields} fields with newline "
        f"({100 * newline_fields / (2 * rows):.2f}%), {meta['seconds']} s")
    return meta


# --------------------------------------------------------------------------------------------
# Vocabulary

def gen_vocab(force: bool = False) -> str:
    """Top 12,000 words (Keras-style split) over the 20 MB prefix of the question stream."""
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, "vocab12k.txt")
    meta_path = os.path.join(DATA, "vocab12k.json")
    meta = read_meta(meta_path)
    if not force and meta and meta.get("version") == GEN_VERSION and files_match(meta, ["list"]):
        log("vocab12k.txt: reusing")
        return path
    t0 = time.time()
    sentences = load_sentences()
    counts: collections.Counter = collections.Counter()
    written = 0
    target = SIZES[VOCAB_SOURCE_SIZE]
    for line, q1, q2 in csv_rows(sentences):
        counts.update(keras_words(q1))
        counts.update(keras_words(q2))
        written += len(line)
        if written >= target:
            break
    # Ties broken alphabetically so the list never depends on dict order.
    words = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:VOCAB_SIZE]
    with open(path, "w", encoding="utf-8") as f:
        for w, _ in words:
            f.write(w + "\n")
    write_json(meta_path, {"version": GEN_VERSION, "source": f"quora_{VOCAB_SOURCE_SIZE} prefix",
                           "distinct_words": len(counts), "kept": len(words),
                           "files": {"list": {"name": "vocab12k.txt", "bytes": os.path.getsize(path)}}})
    log(f"vocab12k.txt: {len(words):,} of {len(counts):,} distinct words, {time.time() - t0:.1f} s")
    return path


# --------------------------------------------------------------------------------------------
# GloVe-format vectors

def glove_tokens(rows: int, rng: random.Random) -> list[str]:
    """Vocabulary words first (GloVe files are frequency ordered), then other corpus words, then
    word-like fillers (inflections, numbers, hyphenations, punctuation tokens) until `rows`."""
    vocab = [w.rstrip("\n") for w in open(os.path.join(DATA, "vocab12k.txt"), encoding="utf-8")]
    seen = set()
    out = []

    def add(t: str):
        if t and t not in seen and " " not in t:
            seen.add(t)
            out.append(t)

    extra = collections.Counter()
    for s in load_sentences():
        extra.update(keras_words(s))
    corpus_words = [w for w, _ in sorted(extra.items(), key=lambda kv: (-kv[1], kv[0]))]
    # Interleave so vocabulary words are spread through the head of the file, as in real GloVe.
    vocab_set = set(vocab)
    others = [w for w in corpus_words if w not in vocab_set]
    oi = 0
    for i, w in enumerate(vocab):
        add(w)
        if i % 3 == 2 and oi < len(others):
            add(others[oi])
            oi += 1
    for w in others[oi:]:
        add(w)
    for p in [",", ".", "the", "'s", "(", ")", '"', "-", ":", ";", "?", "!", "--", "...", "'"]:
        add(p)
    base = list(out)
    suffixes = ["s", "ed", "ing", "er", "ly", "ness", "ism", "ist", "ize", "able", "ful", "less", "ment"]
    prefixes = ["un", "re", "pre", "non", "anti", "over", "sub", "inter", "mis", "co"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    while len(out) < rows:
        x = rng.random()
        w = base[int(rng.random() * len(base))]
        if x < 0.35:
            add(w + suffixes[int(rng.random() * len(suffixes))])
        elif x < 0.55:
            add(prefixes[int(rng.random() * len(prefixes))] + w)
        elif x < 0.65:
            add(w + "-" + base[int(rng.random() * len(base))])
        elif x < 0.75:
            add(str(int(rng.random() * 10 ** (1 + int(rng.random() * 6)))))
        else:
            n = 3 + int(rng.random() * 9)
            add("".join(letters[int(rng.random() * 26)] for _ in range(n)))
    return out[:rows]


def gen_glove(rows: int, dim: int = 300, force: bool = False) -> dict:
    import numpy as np

    name = "glove.gen" if rows == 400_000 else f"glove.gen{rows // 1000}k"
    base = f"{name}.{dim}d"
    txt_path = os.path.join(DATA, base + ".txt")
    zip_path = os.path.join(DATA, base + ".zip")
    meta_path = os.path.join(DATA, base + ".json")
    meta = read_meta(meta_path)
    if (not force and meta and meta.get("version") == GEN_VERSION and meta.get("rows") == rows
            and files_match(meta, ["txt", "zip"])):
        log(f"{base}: reusing")
        return meta
    gen_vocab()
    t0 = time.time()
    log(f"{base}: generating {rows:,} × {dim} vectors")
    rng = random.Random(SEED + 1)
    tokens = glove_tokens(rows, rng)
    nrng = np.random.default_rng(SEED + 2)
    digits = np.frombuffer(b"0123456789", dtype=np.uint8)
    block = 2000
    # Each value is laid out as 10 bytes "[-]d.dddddd " with a 0 byte standing in for a missing
    # sign; the 0 bytes are then masked out, which gives exactly "%.6f" without Python per float.
    with open(txt_path + ".tmp", "wb") as f:
        for start in range(0, rows, block):
            n = min(block, rows - start)
            v = np.clip(nrng.normal(0.0, 0.4, size=(n, dim)), -9.999999, 9.999999)
            q = np.rint(np.abs(v) * 1e6).astype(np.int64)
            neg = (v < 0) & (q > 0)
            buf = np.zeros((n, dim, 10), dtype=np.uint8)
            buf[:, :, 0] = np.where(neg, ord("-"), 0)
            buf[:, :, 1] = digits[q // 1_000_000]
            buf[:, :, 2] = ord(".")
            rem = q % 1_000_000
            for k in range(6):
                buf[:, :, 8 - k] = digits[rem % 10]
                rem //= 10
            buf[:, :, 9] = ord(" ")
            buf[:, -1, 9] = ord("\n")
            keep = buf != 0
            lens = keep.reshape(n, -1).sum(axis=1)
            flat = buf[keep].tobytes()
            parts = []
            off = 0
            for i in range(n):
                ln = int(lens[i])
                parts.append(tokens[start + i].encode("utf-8") + b" " + flat[off:off + ln])
                off += ln
            f.write(b"".join(parts))
    os.replace(txt_path + ".tmp", txt_path)
    t1 = time.time()
    # Deflate of digit text runs ≈12 MB/s per core; pigz --zip uses both cores and writes a normal
    # single-member zip. Python's zipfile is the fallback.
    if shutil.which("pigz"):
        with open(zip_path + ".tmp", "wb") as out:
            subprocess.run(["pigz", "--zip", "-6", "-c", base + ".txt"], cwd=DATA, stdout=out, check=True)
    else:
        with zipfile.ZipFile(zip_path + ".tmp", "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            zf.write(txt_path, arcname=base + ".txt")
    with zipfile.ZipFile(zip_path + ".tmp") as zf:
        if zf.namelist() != [base + ".txt"]:
            sys.exit(f"[generate] ERROR: unexpected zip members {zf.namelist()}")
    os.replace(zip_path + ".tmp", zip_path)
    meta = {"version": GEN_VERSION, "rows": rows, "dim": dim, "member": base + ".txt",
            "files": {"txt": {"name": os.path.basename(txt_path), "bytes": os.path.getsize(txt_path)},
                      "zip": {"name": os.path.basename(zip_path), "bytes": os.path.getsize(zip_path)}},
            "seconds_text": round(t1 - t0, 1), "seconds_zip": round(time.time() - t1, 1)}
    write_json(meta_path, meta)
    log(f"{base}: {meta['files']['txt']['bytes'] / 1e6:.1f} MB text, zip {meta['files']['zip']['bytes'] / 1e6:.1f} MB, "
        f"{meta['seconds_text']} s + zip {meta['seconds_zip']} s")
    return meta


def gen_chars() -> str:
    path = os.path.join(DATA, "tiny_shakespeare.txt")
    if not os.path.exists(path):
        with gzip.open(SHAKESPEARE, "rb") as src, open(path + ".tmp", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(path + ".tmp", path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    c = sub.add_parser("csv")
    c.add_argument("--size", choices=sorted(SIZES), required=True)
    c.add_argument("--text", action="store_true", help="also write the question texts, one per line")
    c.add_argument("--accented", action="store_true", help='every "e" in the questions becomes "é" (quora_SIZE_accented.*)')
    c.add_argument("--force", action="store_true")
    sub.add_parser("vocab").add_argument("--force", action="store_true")
    g = sub.add_parser("glove")
    g.add_argument("--rows", type=int, default=400_000)
    g.add_argument("--force", action="store_true")
    sub.add_parser("chars")
    a = ap.parse_args()
    if a.what == "csv":
        gen_csv(a.size, a.text, a.force, a.accented)
    elif a.what == "vocab":
        gen_vocab(a.force)
    elif a.what == "glove":
        gen_glove(a.rows, force=a.force)
    elif a.what == "chars":
        gen_chars()


if __name__ == "__main__":
    main()
