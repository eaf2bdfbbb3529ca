#!/usr/bin/env python3
"""Peers of `vae-pipeline tokenize`: word level, lowercase, 12,000-word vocabulary, max length 15,
both question columns, end to end from the compressed CSV to an int32 id matrix saved as .npy.

  peers_tokenize.py {icu,hf,keras} FILE --out DIR [--max-vocab 12000] [--max-length 15] [--result R.json]

icu    PyICU word BreakIterator in a Python loop over pandas chunks; keeps segments whose rule
       status is not "none" (≥ 100), lowercases, counts, then maps to the top words and pads.
       One tokenization pass: provisional ids are stored and remapped with numpy afterwards.
hf     Hugging Face tokenizers: Lowercase + Whitespace + WordLevel trained to the vocabulary size,
       then encode_batch with padding/truncation (uses all cores through its own thread pool).
keras  Keras' Tokenizer reimplemented in pure Python (filters, lower, split on space, word_index
       by count, texts_to_sequences keeping the top words, pad_sequences with Keras' defaults:
       pre-padding and pre-truncation). TensorFlow is not involved.
Ids: 0 is padding everywhere; out-of-vocabulary words are dropped (icu, keras) or [UNK] (hf).
"""
from __future__ import annotations

import argparse
import collections
import os
from array import array

import numpy as np

from common import KERAS_TABLE, csv_chunks, ensure_dir, pad_ragged, write_result


def run_icu(path: str, max_vocab: int, maxlen: int):
    import icu

    bi = icu.BreakIterator.createWordInstance(icu.Locale("en_US"))
    provisional: dict[str, int] = {}
    ids = array("i")
    lengths = array("i")
    for texts in csv_chunks(path):
        for text in texts:
            bi.setText(text)
            p = 0
            n = 0
            for b in bi:
                if bi.getRuleStatus() >= 100:  # UBRK_WORD_NONE_LIMIT: letters, numbers, kana, ideographs
                    w = text[p:b].lower()
                    i = provisional.get(w)
                    if i is None:
                        i = provisional[w] = len(provisional)
                    ids.append(i)
                    n += 1
                p = b
            lengths.append(n)
    ids_np = np.frombuffer(ids, dtype=np.int32)
    counts = np.bincount(ids_np, minlength=len(provisional))
    order = np.argsort(-counts, kind="stable")[:max_vocab]
    remap = np.zeros(len(provisional), dtype=np.int32)
    remap[order] = np.arange(1, len(order) + 1, dtype=np.int32)
    final = remap[ids_np]
    lengths_np = np.frombuffer(lengths, dtype=np.int32).astype(np.int64)
    keep = final > 0
    text_of = np.repeat(np.arange(len(lengths_np)), lengths_np)
    kept_lengths = np.bincount(text_of[keep], minlength=len(lengths_np))
    mat = pad_ragged(final[keep], kept_lengths, maxlen)
    return mat, {"texts": len(lengths_np), "tokens": int(len(ids_np)), "distinct": len(provisional)}


def run_hf(path: str, max_vocab: int, maxlen: int):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    texts: list[str] = []
    for chunk in csv_chunks(path):
        texts.extend(chunk)
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.WordLevelTrainer(vocab_size=max_vocab + 2, special_tokens=["[PAD]", "[UNK]"],
                                        show_progress=False)
    batch = 10_000
    tok.train_from_iterator((texts[i:i + batch] for i in range(0, len(texts), batch)), trainer=trainer,
                            length=len(texts))
    tok.enable_padding(pad_id=tok.token_to_id("[PAD]"), pad_token="[PAD]", length=maxlen)
    tok.enable_truncation(max_length=maxlen)
    mat = np.zeros((len(texts), maxlen), dtype=np.int32)
    for i in range(0, len(texts), batch):
        enc = tok.encode_batch(texts[i:i + batch])
        mat[i:i + len(enc)] = np.array([e.ids for e in enc], dtype=np.int32)
    return mat, {"texts": len(texts), "vocab": tok.get_vocab_size()}


def run_keras(path: str, max_vocab: int, maxlen: int):
    texts: list[str] = []
    for chunk in csv_chunks(path):
        texts.extend(chunk)

    def words(t: str) -> list[str]:  # keras.preprocessing.text.text_to_word_sequence
        return t.lower().translate(KERAS_TABLE).split(" ")

    counts: collections.Counter = collections.Counter()
    for t in texts:  # fit_on_texts
        counts.update(w for w in words(t) if w)
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)  # stable, like Keras
    word_index = {w: i + 1 for i, (w, _) in enumerate(ranked[:max_vocab])}
    seqs = [[word_index[w] for w in words(t) if w in word_index] for t in texts]  # texts_to_sequences
    mat = np.zeros((len(seqs), maxlen), dtype=np.int32)  # pad_sequences(maxlen, 'pre', 'pre', value=0)
    for i, s in enumerate(seqs):
        if s:
            s = s[-maxlen:]
            mat[i, -len(s):] = s
    return mat, {"texts": len(texts), "distinct": len(counts)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tool", choices=["icu", "hf", "keras"])
    ap.add_argument("file")
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-vocab", type=int, default=12_000)
    ap.add_argument("--max-length", type=int, default=15)
    ap.add_argument("--result")
    a = ap.parse_args()
    fn = {"icu": run_icu, "hf": run_hf, "keras": run_keras}[a.tool]
    mat, info = fn(a.file, a.max_vocab, a.max_length)
    np.save(os.path.join(ensure_dir(a.out), "ids.npy"), mat)
    info["shape"] = list(mat.shape)
    info["non_pad"] = int((mat != 0).sum())
    write_result(a.result, info)


if __name__ == "__main__":
    main()
