"""Helpers shared by the Python peers (venv side: numpy and pandas are available)."""
from __future__ import annotations

import json
import os

import numpy as np

# Keras' default Tokenizer filters (keras.preprocessing.text.Tokenizer).
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
KERAS_TABLE = str.maketrans({c: " " for c in KERAS_FILTERS})
QUESTION_COLUMNS = ["question1", "question2"]
CHUNK_ROWS = 50_000


def csv_chunks(path: str):
    """Yields, per pandas chunk, the question texts in record order (q1, q2 of row 0, then row 1…).
    Compression is inferred from the suffix; missing questions become ''."""
    import pandas as pd

    for chunk in pd.read_csv(path, chunksize=CHUNK_ROWS, usecols=QUESTION_COLUMNS):
        q1 = chunk["question1"].fillna("").astype(str).tolist()
        q2 = chunk["question2"].fillna("").astype(str).tolist()
        texts = [None] * (2 * len(q1))
        texts[0::2] = q1
        texts[1::2] = q2
        yield texts


def pad_ragged(tokens: np.ndarray, lengths: np.ndarray, maxlen: int) -> np.ndarray:
    """Ragged (flat tokens + per-text lengths) → (texts, maxlen) int32, post-padded with 0 and
    truncated after maxlen tokens, without a Python loop per text."""
    n = len(lengths)
    out = np.zeros((n, maxlen), dtype=np.int32)
    if len(tokens) == 0:
        return out
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    text_of = np.repeat(np.arange(n), lengths)
    pos = np.arange(len(tokens)) - starts[text_of]
    sel = pos < maxlen
    out[text_of[sel], pos[sel]] = tokens[sel]
    return out


def write_result(path: str | None, obj: dict) -> None:
    if path:
        with open(path, "w") as f:
            json.dump(obj, f)


def read_vocab_list(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [w.rstrip("\n") for w in f if w.strip()]


def ensure_dir(path: str) -> str:
    os.makedirs(path, exist_ok=True)
    return path
