#!/usr/bin/env python3
"""Writes Fuzz/seeds/<target>/ from inputs of the tests (Tests/*) and samples of corpora/.

Record and embedding targets read two option bytes before the file (see each target's source);
seeds carry a few option combinations. Files named regress-* are minimized crashes that became
regression tests; this script leaves them alone.
"""
import gzip, json, os, struct, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
seeds = root / "Fuzz" / "seeds"


def put(target, name, data):
    d = seeds / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def framed(target, name, body, option_sets):
    body = body if isinstance(body, bytes) else body.encode()
    for flags, piece in option_sets:
        put(target, f"{name}-{flags:02x}-{piece:02x}", bytes([flags, piece]) + body)


# CSV: tests' inputs, csv-spectrum, the head of penguins_raw.csv.
csv_inputs = {
    "skips": "a,b\n1,2\n3\n4,5,6\n7,8\n",
    "open-quote": "text\n\"fine\"\n\"never closed\nstill inside\n",
    "tsv": "x\tfirst text\n\"y\"\t\"quoted\ttab\"\n",
    "semicolon": "k;v\n1;\"a;b\"\n",
    "bom": "\ufefftext,label\r\n\"héllo, wörld\",1\r\n",
    "trailing-empty": "a,b,\n1,2,\n",
}
for path in sorted((root / "corpora" / "csv-spectrum").glob("*.csv")):
    csv_inputs["spectrum-" + path.stem] = path.read_text(encoding="utf-8", errors="replace")
penguins = (root / "corpora" / "penguins_raw.csv").read_text(encoding="utf-8", errors="replace").splitlines(True)
csv_inputs["penguins"] = "".join(penguins[:6])
for name, body in csv_inputs.items():
    framed("csv", name, body, [(0x04 | 0x60, 0), (0x04 | 0x08 | 0x20, 7), (0x00 | 0x10, 3)])

# Lines and text.
lines_inputs = {
    "bom-crlf": "\ufefffirst\r\nsecond\n\n  \nlast without newline",
    "long": "before\n" + "x" * 40 + "\nafter\n",
    "invalid-utf8": b"ok\n\xff\xfe bad\n\xc3\n\xe2\x82\nend",
    "shakespeare": b"".join(gzip.open(root / "corpora" / "tiny_shakespeare.txt.gz").read().splitlines(True)[:12]),
    "web": b"".join(gzip.open(root / "corpora" / "web_sentences.txt.gz").read().splitlines(True)[:8]),
}
for name, body in lines_inputs.items():
    framed("lines", name, body, [(0x00, 0), (0x01, 5), (0x03, 1), (0x04, 16), (0x08, 9)])

# JSON Lines.
jsonl_inputs = {
    "escapes": "\n".join([
        r'{"id": 1, "text": "plain", "meta": {"tags": ["a", "b"], "n": -1.5e3}}',
        r'{"text": "quote \" backslash \\ newline \n tab \t slash \/ é \u00e9 emoji \ud83d\ude00", "ok": true}',
        r'{"title": "t", "text": "two fields"}']),
    "bad-lines": "\n".join([
        r'{"text": "good"}', r'{"text": 42}', r'{"other": "x"}', r'{"text": "unterminated}',
        r'["not", "an", "object"]', r'{"text": "trailing"} junk', r'{"text": "bad surrogate \ud83d"}']) + "\n",
    "nested": '{"a": [[[{"b": null}]]], "text": "deep", "b": false}\r\n  \n{}\n',
}
for name, body in jsonl_inputs.items():
    framed("jsonl", name, body, [(0x0c, 0), (0x01 | 0x04, 6), (0x02, 2), (0x00, 1)])

# GloVe and word2vec: the tests' layouts and the head of glove.6B.50d.
glove_head = b"".join(gzip.open(root / "corpora" / "glove.6B.50d.top50k.txt.gz").read().splitlines(True)[:6])
glove_inputs = {
    "small": "the 1 2 3\n, 4 5 6\nof 0.5 -1e-3 7\nNew York 1 1 1\nCAFÉ 2 2 2\napple nan 1 2\nx 1 2\n",
    "glove6B": glove_head,
    "header": "2 3\nthe 1 2 3\nof 4 5 6\n",
}
for name, body in glove_inputs.items():
    framed("glove", name, body, [(0x00, 0), (0x01 | 0x02, 11), (0x10 | 0x04, 3), (0x20 | 0x08, 1)])


def word2vec_binary(rows, newlines):
    data = f"{len(rows)} {len(rows[0][1])}\n".encode()
    for token, vector in rows:
        data += token.encode() + b" " + b"".join(struct.pack("<f", v) for v in vector)
        if newlines:
            data += b"\n"
    return data


rows = [("the", [0.1, -2.5, 3e-8, 1]), ("other", [9, 9, 9, 9]), ("of", [3.14, -0.0, 1e5, 2]), ("café", [4, 3, 2, 1]), ("the", [7, 7, 7, 7])]
w2v_inputs = {
    "text": "2 3\nthe 1 2 3\nof 4 5 6\n",
    "text-miscount": "5 3\nthe 1 2 3\n. 4 5 6\n",
    "binary-newlines": word2vec_binary(rows, True),
    "binary": word2vec_binary(rows, False),
}
for name, body in w2v_inputs.items():
    framed("word2vec", name, body, [(0x00, 0), (0x01, 5), (0x02 | 0x04, 3), (0x80 | 0x08, 1)])

# Vocabulary JSON: the shape Vocabulary.jsonText() writes (hash checked, so the seeds mostly
# exercise the error paths; the one written by `vae-pipeline tokenize` is added by fuzz/README).
put("vocabulary-json", "shape.json", json.dumps({
    "format": "vae-pipeline-vocabulary", "formatVersion": 1,
    "configuration": {"level": "word", "normalization": "none", "keepsPunctuation": True, "kerasFilters": "", "breakLocale": ""},
    "minCount": 1, "count": 6, "hash": "0" * 64,
    "tokens": [["<pad>", 0], ["<unk>", 0], ["<bos>", 0], ["<eos>", 0], ["the", 3], ["cat", 1]]}, indent=1))

# safetensors: what SafeTensors.write produces, with and without checksums.
def safetensors(tensors, metadata):
    entries, offset, body = {}, 0, b""
    for name, (shape, values) in sorted(tensors.items()):
        data = b"".join(struct.pack("<f", v) for v in values)
        entries[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        body += data
    if metadata:
        entries = {"__metadata__": metadata, **entries}
    header = json.dumps(entries, separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + body


import zlib
w = ([2, 3], [1, 2, 3, 4, 5, 6])
b = ([3], [0.5, -0.5, 0])
crc = lambda v: "%08x" % (zlib.crc32(b"".join(struct.pack("<f", x) for x in v)) & 0xFFFFFFFF)
put("safetensors", "checked.safetensors", safetensors({"w": w, "b": b}, {"crc32.w": crc(w[1]), "crc32.b": crc(b[1]), "step": "3"}))
put("safetensors", "unchecked.safetensors", safetensors({"w": w}, {}))
put("safetensors", "empty.safetensors", safetensors({}, {}))

# .npy: what NpyWriter writes (version 1, 64-byte aligned header).
def npy(descr, values, fmt, version=1):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d,), }" % (descr, len(values))
    prefix = 10 if version == 1 else 12
    header += " " * (-(prefix + len(header) + 1) % 64) + "\n"
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode() + b"".join(struct.pack(fmt, v) for v in values)


put("npy-header", "ids.npy", npy("<i4", [4, 5, 6, 4, 7], "<i"))
put("npy-header", "offsets.npy", npy("<i8", [0, 2, 5], "<q"))
put("npy-header", "floats-v2.npy", npy("<f4", [0.5, 1.5], "<f", version=2))
put("npy-header", "empty.npy", npy("<i4", [], "<i"))

# Manifests: the shape `tokenize` writes, naming the shard next to the manifest.
put("manifest-json", "manifest.json", json.dumps({
    "format": "vae-pipeline-token-shards", "version": 1, "created_at": "2024-01-01T00:00:00Z",
    "inputs": [{"path": "corpus.txt", "bytes": 12}], "records_checksum": "crc32:00000000",
    "reader": {"format": "lines", "columns": [], "fields": ["text"], "members": [], "header": True,
               "max_record_bytes": 1048576, "invalid_utf8": "replace"},
    "tokenizer": {"level": "word", "normalization": "none", "keeps_punctuation": True, "keras_filters": "", "break_locale": ""},
    "encoding": {}, "vocabulary": {"file": "vocabulary.json", "hash": "0", "size": 8},
    "counts": {}, "skipped_records": {}, "repaired_records": 0,
    "shards": [{"ids": "shard-00000.ids.npy", "offsets": "shard-00000.offsets.npy", "sequences": 2, "tokens": 5}]}, indent=2))

# Pipeline files: the repository's examples.
for path in sorted((root / "pipelines").glob("*.y*ml")):
    put("pipeline-file", path.name, path.read_bytes())
