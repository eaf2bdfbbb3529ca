#!/usr/bin/env python3
"""Peers of `vae-pipeline embeddings`: build the (vocab+1) × dim float32 matrix (row 0 = padding,
row i = vocabulary word i; words without a vector stay zero) from a GloVe-format text file.

  peers_embeddings.py {gensim,stream,zip} VECTORS --vocab LIST.txt --out M.npy [--result R.json]

gensim  KeyedVectors.load_word2vec_format(no_header=True): loads every vector, then picks rows.
stream  reads lines as bytes, splits off the token and parses floats only for kept words.
zip     the same filter fed by Python's zipfile streaming the single member of a .zip.
"""
from __future__ import annotations

import argparse
import io
import zipfile

import numpy as np

from common import read_vocab_list, write_result


def run_gensim(path: str, vocab: list[str], dim: int | None):
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(path, binary=False, no_header=True)
    m = np.zeros((len(vocab) + 1, kv.vector_size), dtype=np.float32)
    found = 0
    for i, w in enumerate(vocab, start=1):
        j = kv.key_to_index.get(w)
        if j is not None:
            m[i] = kv.vectors[j]
            found += 1
    return m, {"found": found, "rows_read": len(kv.key_to_index)}


def filter_lines(lines, vocab: list[str]):
    want = {w.encode("utf-8"): i for i, w in enumerate(vocab, start=1)}
    m = None
    found = 0
    rows = 0
    for line in lines:
        rows += 1
        tok, _, rest = line.partition(b" ")
        i = want.get(tok)
        if i is None:
            continue
        vec = np.array(rest.split(), dtype=np.float32)
        if m is None:
            m = np.zeros((len(vocab) + 1, len(vec)), dtype=np.float32)
        m[i] = vec
        found += 1
    return m, {"found": found, "rows_read": rows}


def run_stream(path: str, vocab: list[str]):
    with open(path, "rb", buffering=1 << 20) as f:
        return filter_lines(f, vocab)


def run_zip(path: str, vocab: list[str]):
    with zipfile.ZipFile(path) as zf:
        members = [n for n in zf.namelist() if not n.endswith("/")]
        with zf.open(members[0]) as raw:
            return filter_lines(io.BufferedReader(raw, buffer_size=1 << 20), vocab)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tool", choices=["gensim", "stream", "zip"])
    ap.add_argument("vectors")
    ap.add_argument("--vocab", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--result")
    a = ap.parse_args()
    vocab = read_vocab_list(a.vocab)
    if a.tool == "gensim":
        m, info = run_gensim(a.vectors, vocab, None)
    else:
        m, info = (run_stream if a.tool == "stream" else run_zip)(a.vectors, vocab)
    np.save(a.out, m)
    info["shape"] = list(m.shape)
    write_result(a.result, info)


if __name__ == "__main__":
    main()
