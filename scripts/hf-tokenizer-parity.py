#!/usr/bin/env python3
"""Compares the ids Hugging Face `tokenizers` gives with a tokenizer.json against the ids
vae-pipeline wrote for the same lines.

    python3 scripts/hf-tokenizer-parity.py OUT_DIR LINES_FILE

OUT_DIR is a `vae-pipeline tokenize LINES_FILE --out OUT_DIR` directory (shards, tokenizer.json,
no --bos-eos, no --max-length); LINES_FILE holds one record per line. Lines whose Hugging Face
encoding is empty are expected to be absent (vae-pipeline drops empty sequences). Prints one JSON
object: {"lines", "compared", "differing", "examples": [{"line", "text", "vae_pipeline", "hugging_face"}]};
exits 0 when every line agrees, 1 otherwise. Needs `pip install tokenizers` (see
scripts/install-python-tokenizers.sh).
"""
import glob
import json
import os
import struct
import sys

from tokenizers import Tokenizer


def load_npy(path):
    """A 1-D little-endian uint16/int32/int64 .npy, without NumPy."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise SystemExit(f"{path}: not a .npy file")
    major = data[6]
    if major == 1:
        length = struct.unpack("<H", data[8:10])[0]
        start = 10
    else:
        length = struct.unpack("<I", data[8:12])[0]
        start = 12
    header = data[start:start + length].decode("latin1")
    body = data[start + length:]
    codes = {"'<u2'": ("H", 2), "'<i4'": ("i", 4), "'<i8'": ("q", 8)}
    found = [value for descr, value in codes.items() if descr in header]
    if not found:
        raise SystemExit(f"{path}: holds neither uint16, int32 nor int64 values ({header.strip()})")
    code, size = found[0]
    return list(struct.unpack("<%d%s" % (len(body) // size, code), body))


def sequences(directory):
    for ids_path in sorted(glob.glob(os.path.join(directory, "shard-*.ids.npy"))):
        ids = load_npy(ids_path)
        offsets = load_npy(ids_path.replace(".ids.npy", ".offsets.npy"))
        for start, end in zip(offsets, offsets[1:]):
            yield ids[start:end]


def main():
    directory, lines_file = sys.argv[1], sys.argv[2]
    tokenizer = Tokenizer.from_file(os.path.join(directory, "tokenizer.json"))
    with open(lines_file, encoding="utf-8", newline="") as f:
        lines = [line[:-1] if line.endswith("\r") else line for line in f.read().split("\n")]
    expected = sequences(directory)
    compared = differing = 0
    examples = []
    for number, text in enumerate(lines, 1):
        if not text:
            continue
        hugging_face = tokenizer.encode(text, add_special_tokens=False).ids
        if not hugging_face:
            continue
        ours = next(expected, None)
        compared += 1
        if ours != hugging_face:
            differing += 1
            if len(examples) < 10:
                examples.append({"line": number, "text": text, "vae_pipeline": ours, "hugging_face": hugging_face})
    leftover = sum(1 for _ in expected)
    print(json.dumps({"lines": len(lines), "compared": compared, "differing": differing,
                      "unmatched_sequences": leftover, "examples": examples}, ensure_ascii=False))
    sys.exit(0 if differing == 0 and leftover == 0 else 1)


if __name__ == "__main__":
    main()
