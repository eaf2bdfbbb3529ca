#!/usr/bin/env python3
"""Peers of `vae-pipeline vocab`: count the lowercase question words of the compressed CSV and
keep the most frequent ones, written as a {word: id} JSON (ids from 1; 0 is padding).

  peers_vocab.py {counter,hf} FILE --out VOCAB.json [--max-vocab 12000] [--result R.json]

counter  the fastest plain-Python way we know: per pandas chunk, join the texts into one string,
         lower + translate (Keras filters → space) + split, all in C, then Counter.update (C loop).
hf       Hugging Face tokenizers WordLevelTrainer (Lowercase + Whitespace) fed chunk by chunk.
"""
from __future__ import annotations

import argparse
import collections
import json

from common import KERAS_TABLE, csv_chunks, write_result


def run_counter(path: str, max_vocab: int) -> tuple[dict, dict]:
    counts: collections.Counter = collections.Counter()
    texts = 0
    for chunk in csv_chunks(path):
        texts += len(chunk)
        counts.update(" ".join(chunk).lower().translate(KERAS_TABLE).split())
    top = counts.most_common(max_vocab)
    return {w: i + 1 for i, (w, _) in enumerate(top)}, {"texts": texts, "distinct": len(counts),
                                                       "tokens": sum(counts.values())}


def run_hf(path: str, max_vocab: int) -> tuple[dict, dict]:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.WordLevelTrainer(vocab_size=max_vocab + 2, special_tokens=["[PAD]", "[UNK]"],
                                        show_progress=False)
    tok.train_from_iterator(csv_chunks(path), trainer=trainer)
    vocab = tok.get_vocab()
    return vocab, {"vocab": len(vocab)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tool", choices=["counter", "hf"])
    ap.add_argument("file")
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-vocab", type=int, default=12_000)
    ap.add_argument("--result")
    a = ap.parse_args()
    vocab, info = {"counter": run_counter, "hf": run_hf}[a.tool](a.file, a.max_vocab)
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    info["kept"] = len(vocab)
    write_result(a.result, info)


if __name__ == "__main__":
    main()
