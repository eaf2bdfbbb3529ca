#!/usr/bin/env python3
"""PyTorch side of the character-model quality benchmark (Benchmarks/char-models.sh): trains the
character VAE, the VRNN or the LSTM language model of the same configuration as
pipelines/shakespeare-{rvae,vrnn,lm}.yaml for a wall-clock budget on the first 90 % of tiny
Shakespeare, then reports validation bits per character on the last 10 %.

The data is read exactly as vae-pipeline reads it: the non-empty lines of each file, each
followed by one end-of-line symbol (vae-pipeline's <eos>; here "\\n"), concatenated into one
stream; training windows are `window + 1` characters starting every `stride` characters
(vae-pipeline's windows), shuffled every epoch; validation windows are the same length,
non-overlapping (what `vae-pipeline eval` reads). Bits per character = (reconstruction NLL +
KL) / characters / ln 2 with one posterior sample — the negative ELBO for the VAEs, the exact NLL
for the language model.

    char_budget.py MODEL --minutes 10 --data-dir corpora [--threads 2] [--result R.json]
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import torch_models as tm

CONFIGS = {
    # pipelines/shakespeare-rvae.yaml
    "char_vae": dict(window=50, stride=25, batch=64, emb=64, hidden=256, latent=32, char_dropout=0.1,
                     anneal=("logistic", 0.0025, 2500)),
    # pipelines/shakespeare-vrnn.yaml
    "vrnn": dict(window=300, stride=300, batch=64, emb=64, hidden=64, latent=64, anneal=None),
    # pipelines/shakespeare-lm.yaml
    "lstm_lm": dict(window=50, stride=25, batch=64, emb=64, hidden=256, anneal=None),
}


def stream(path: str) -> str:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return "".join(line + "\n" for line in f.read().split("\n") if line)


class LSTMLM(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.emb = nn.Embedding(s["vocab"], s["emb"])
        self.lstm = nn.LSTM(s["emb"], s["hidden"], batch_first=True)
        self.out = nn.Linear(s["hidden"], s["vocab"])

    def forward(self, x):
        o, _ = self.lstm(self.emb(tm.shift_right(x, 0)))
        logits = self.out(o)
        ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), x.reshape(-1), reduction="sum") / x.size(0)
        return ce, ce, ce.new_zeros(())


class CharVAE(tm.CharRVAE):
    """seed-000's CharRVAE with character dropout on the decoder's inputs (as vae-pipeline's
    character_dropout: an input replaced by the start symbol)."""

    def forward(self, x):
        _, (h, _) = self.enc(self.emb(x))
        mu, logvar = self.mu(h[0]), self.logvar(h[0])
        z = tm.reparameterise(mu, logvar)
        ids = tm.shift_right(x, 0)
        if self.training and self.s.get("char_dropout", 0) > 0:
            drop = torch.rand(ids.shape) < self.s["char_dropout"]
            drop[:, 0] = False
            ids = ids.masked_fill(drop, 0)
        zs = z.unsqueeze(1).expand(-1, x.size(1), -1)
        o, _ = self.dec(torch.cat([self.emb(ids), zs], dim=-1))
        logits = self.out(o)
        ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), x.reshape(-1), reduction="sum") / x.size(0)
        kl = tm.kl_normal(mu, logvar).mean()
        return ce + kl, ce, kl


def beta(anneal, step):
    if anneal is None:
        return 1.0
    _, k, x0 = anneal
    return 1.0 / (1.0 + math.exp(-k * (step - x0)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model", choices=list(CONFIGS))
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--result")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    s = dict(CONFIGS[a.model])
    train_text = stream(os.path.join(a.data_dir, "tiny_shakespeare.train.txt.gz"))
    valid_text = stream(os.path.join(a.data_dir, "tiny_shakespeare.valid.txt.gz"))
    chars = sorted(set(train_text))
    index = {c: i + 1 for i, c in enumerate(chars)}  # 0: the start symbol; unseen characters → 0 too
    s["vocab"] = len(chars) + 1
    train_ids = torch.tensor([index.get(c, 0) for c in train_text], dtype=torch.long)
    valid_ids = torch.tensor([index.get(c, 0) for c in valid_text], dtype=torch.long)
    span = s["window"] + 1
    starts = list(range(0, len(train_ids) - span + 1, s["stride"]))
    valid = torch.stack([valid_ids[i:i + span] for i in range(0, len(valid_ids) - span + 1, span)])
    model = {"char_vae": CharVAE, "vrnn": tm.VRNN, "lstm_lm": LSTMLM}[a.model](s)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    budget = a.minutes * 60
    step, chars_seen, epoch = 0, 0, 0
    t0 = time.perf_counter()
    model.train()
    while time.perf_counter() - t0 < budget:
        random.shuffle(starts)
        for i in range(0, len(starts), s["batch"]):
            x = torch.stack([train_ids[j:j + span] for j in starts[i:i + s["batch"]]])
            opt.zero_grad(set_to_none=True)
            _, ce, kl = model(x)
            (ce + beta(s["anneal"], step) * kl).backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            step += 1
            chars_seen += x.numel()
            if time.perf_counter() - t0 >= budget:
                break
        epoch += 1
    seconds = time.perf_counter() - t0
    model.eval()
    nll = 0.0
    with torch.no_grad():
        for i in range(0, len(valid), 64):
            x = valid[i:i + 64]
            _, ce, kl = model(x)
            nll += (float(ce) + float(kl)) * x.size(0)
    out = {"model": a.model, "implementation": "PyTorch CPU", "torch": torch.__version__, "threads": a.threads,
           "steps": step, "epochs": epoch, "seconds": seconds, "chars_per_s": chars_seen / seconds,
           "valid_chars": valid.numel(), "valid_bits_per_char": nll / valid.numel() / math.log(2)}
    text = json.dumps(out, indent=1)
    if a.result:
        with open(a.result, "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
