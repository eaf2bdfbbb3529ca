#!/usr/bin/env python3
"""PyTorch CPU reference implementations of the four text VAEs vae-pipeline trains, written to be
fair peers: same shapes as the originals, fused nn.LSTM/nn.GRU wherever the model allows,
`torch.set_num_threads(2)`, data prepared up front as int64 tensors, nothing per token in Python
inside the timed loop (the VRNN's per-step recurrence is inherent to the model), warm-up excluded.

Importable:
    build(name) -> (model, spec)            a fresh model for one of MODELS
    make_batches(name, spec, data_dir)      list of int64 batch tensors from real token data
    benchmark(name, seconds, warmup_steps)  → dict with tokens/s and positions/s
    train_reference(config, seconds)        → dict with the loss history on real data

CLI (what run.sh times):
    torch_models.py bench MODEL --seconds 20 [--result R.json]
    torch_models.py reference MODEL --seconds 60 [--result R.json]

Models (see README.md for sources):
    sentence_vae   seed-004: frozen embedding 50 (vocab 12,001), biLSTM encoder 96, dense 96 + ELU,
                   latent 32, LSTM decoder 96 fed z at every step, length 15, batch 100
    bowman         Bowman et al. / timbmg sentence-vae: trainable embedding 300 (vocab 12,003), GRU
                   encoder 256, latent 16, GRU decoder 256 initialised from z, word dropout 0.5,
                   length 15, batch 32
    vrnn           seed-001 VRNN (Chung et al. 2015): GRUCell 64, embedding 64, latent 64,
                   300 steps, batch 64, 128 symbols
    char_rvae      seed-000: char RVAE, LSTM 256 encoder/decoder, embedding 64, latent 32, z at
                   every decoder step, length 50, batch 64, 128 symbols
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data")
PAD = 0

SPECS = {
    "sentence_vae": dict(kind="word", vocab=12_001, specials=1, emb=50, hidden=96, dense=96, latent=32,
                         length=15, batch=100, lr=1e-3),
    "bowman": dict(kind="word", vocab=12_003, specials=3, emb=300, hidden=256, latent=16, length=15,
                   batch=32, word_dropout=0.5, lr=1e-3),
    "vrnn": dict(kind="char", vocab=128, emb=64, hidden=64, latent=64, length=300, batch=64, lr=1e-3),
    "char_rvae": dict(kind="char", vocab=128, emb=64, hidden=256, latent=32, length=50, batch=64, lr=1e-3),
}
MODELS = list(SPECS)


def kl_normal(mu, logvar):
    """KL(N(mu, σ²) ‖ N(0, 1)) summed over latent dims, per example."""
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)


def reparameterise(mu, logvar):
    return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)


def shift_right(x, start_id):
    """Teacher forcing input: <start> followed by the target without its last token."""
    start = torch.full_like(x[:, :1], start_id)
    return torch.cat([start, x[:, :-1]], dim=1)


class SentenceVAE(nn.Module):
    """seed-004 (Keras-era Quora VAE)."""

    def __init__(self, s):
        super().__init__()
        self.s = s
        self.emb = nn.Embedding(s["vocab"], s["emb"], padding_idx=PAD)
        self.emb.weight.requires_grad_(False)  # frozen GloVe-style embedding
        self.enc = nn.LSTM(s["emb"], s["hidden"], batch_first=True, bidirectional=True)
        self.dense = nn.Linear(2 * s["hidden"], s["dense"])
        self.mu = nn.Linear(s["dense"], s["latent"])
        self.logvar = nn.Linear(s["dense"], s["latent"])
        self.dec = nn.LSTM(s["emb"] + s["latent"], s["hidden"], batch_first=True)
        self.out = nn.Linear(s["hidden"], s["vocab"])

    def forward(self, x):
        e = self.emb(x)
        _, (h, _) = self.enc(e)
        hcat = torch.cat([h[0], h[1]], dim=-1)  # last states of both directions
        d = F.elu(self.dense(hcat))
        mu, logvar = self.mu(d), self.logvar(d)
        z = reparameterise(mu, logvar)
        dec_in = self.emb(shift_right(x, PAD))
        zs = z.unsqueeze(1).expand(-1, x.size(1), -1)
        o, _ = self.dec(torch.cat([dec_in, zs], dim=-1))
        logits = self.out(o)
        ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), x.reshape(-1), ignore_index=PAD,
                             reduction="sum") / x.size(0)
        kl = kl_normal(mu, logvar).mean()
        return ce + kl, ce, kl


class BowmanVAE(nn.Module):
    """Bowman et al. 2016 as in timbmg/Sentence-VAE (GRU, latent 16, word dropout)."""

    UNK, SOS = 1, 2

    def __init__(self, s):
        super().__init__()
        self.s = s
        self.emb = nn.Embedding(s["vocab"], s["emb"], padding_idx=PAD)
        self.enc = nn.GRU(s["emb"], s["hidden"], batch_first=True)
        self.mu = nn.Linear(s["hidden"], s["latent"])
        self.logvar = nn.Linear(s["hidden"], s["latent"])
        self.z2h = nn.Linear(s["latent"], s["hidden"])
        self.dec = nn.GRU(s["emb"], s["hidden"], batch_first=True)
        self.out = nn.Linear(s["hidden"], s["vocab"])

    def forward(self, x):
        _, h = self.enc(self.emb(x))
        mu, logvar = self.mu(h[0]), self.logvar(h[0])
        z = reparameterise(mu, logvar)
        dec_ids = shift_right(x, self.SOS)
        if self.training and self.s["word_dropout"] > 0:
            # Replace decoder inputs by <unk> with p = word_dropout, never <pad> or <sos>.
            drop = torch.rand(dec_ids.shape) < self.s["word_dropout"]
            drop &= (dec_ids != PAD) & (dec_ids != self.SOS)
            dec_ids = dec_ids.masked_fill(drop, self.UNK)
        o, _ = self.dec(self.emb(dec_ids), self.z2h(z).unsqueeze(0))
        logits = self.out(o)
        ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), x.reshape(-1), ignore_index=PAD,
                             reduction="sum") / x.size(0)
        kl = kl_normal(mu, logvar).mean()
        return ce + kl, ce, kl


class VRNN(nn.Module):
    """Chung et al. 2015 with categorical output (seed-001). Everything that does not depend on
    the recurrence (φ_x, the x-half of the encoder's first layer, the noise, prior, decoder,
    losses) is computed for all steps at once; only the h-dependent encoder part, sampling, φ_z and
    the GRUCell run per step. (Linear on [a, b] = W_a a + W_b b, so the split is the same model.)"""

    def __init__(self, s):
        super().__init__()
        self.s = s
        H, E, Z = s["hidden"], s["emb"], s["latent"]
        self.emb = nn.Embedding(s["vocab"], E)
        self.phi_x = nn.Sequential(nn.Linear(E, H), nn.ReLU())
        self.phi_z = nn.Sequential(nn.Linear(Z, H), nn.ReLU())
        self.enc_x = nn.Linear(H, H)  # encoder layer 1 on [φ_x, h], x half (with the bias)
        self.enc_h = nn.Linear(H, H, bias=False)  # … h half
        self.enc_stats = nn.Linear(H, 2 * Z)  # μ and log σ² in one matmul
        self.prior = nn.Sequential(nn.Linear(H, H), nn.ReLU())
        self.prior_stats = nn.Linear(H, 2 * Z)
        self.dec = nn.Sequential(nn.Linear(2 * H, H), nn.ReLU(), nn.Linear(H, s["vocab"]))
        self.cell = nn.GRUCell(2 * H, H)

    def forward(self, x):
        B, T = x.shape
        H, Z = self.s["hidden"], self.s["latent"]
        fx = self.phi_x(self.emb(x))  # (B, T, H)
        ex = self.enc_x(fx)
        eps = torch.randn(B, T, Z)
        h = fx.new_zeros((B, H))
        hs, fzs, stats = [], [], []
        for t in range(T):
            hs.append(h)
            st = self.enc_stats(torch.relu(ex[:, t] + self.enc_h(h)))
            mu, lv = st.chunk(2, dim=-1)
            fz = self.phi_z(mu + eps[:, t] * torch.exp(0.5 * lv))
            h = self.cell(torch.cat([fx[:, t], fz], dim=-1), h)
            fzs.append(fz)
            stats.append(st)
        hs = torch.stack(hs, 1)
        fz = torch.stack(fzs, 1)
        mu, lv = torch.stack(stats, 1).chunk(2, dim=-1)
        pmu, plv = self.prior_stats(self.prior(hs)).chunk(2, dim=-1)
        logits = self.dec(torch.cat([fz, hs], dim=-1))
        ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), x.reshape(-1), reduction="sum") / B
        # KL(q ‖ prior) between diagonal Gaussians, summed over steps and dims.
        kl = 0.5 * torch.sum(plv - lv + (lv.exp() + (mu - pmu).pow(2)) / plv.exp() - 1) / B
        return ce + kl, ce, kl


class CharRVAE(nn.Module):
    """seed-000 character RVAE (Bowman-style with LSTMs, z fed at every decoder step)."""

    def __init__(self, s):
        super().__init__()
        self.s = s
        self.emb = nn.Embedding(s["vocab"], s["emb"])
        self.enc = nn.LSTM(s["emb"], s["hidden"], batch_first=True)
        self.mu = nn.Linear(s["hidden"], s["latent"])
        self.logvar = nn.Linear(s["hidden"], s["latent"])
        self.dec = nn.LSTM(s["emb"] + s["latent"], s["hidden"], batch_first=True)
        self.out = nn.Linear(s["hidden"], s["vocab"])

    def forward(self, x):
        _, (h, _) = self.enc(self.emb(x))
        mu, logvar = self.mu(h[0]), self.logvar(h[0])
        z = reparameterise(mu, logvar)
        dec_in = self.emb(shift_right(x, 0))
        zs = z.unsqueeze(1).expand(-1, x.size(1), -1)
        o, _ = self.dec(torch.cat([dec_in, zs], dim=-1))
        logits = self.out(o)
        ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), x.reshape(-1), reduction="sum") / x.size(0)
        kl = kl_normal(mu, logvar).mean()
        return ce + kl, ce, kl


CLASSES = {"sentence_vae": SentenceVAE, "bowman": BowmanVAE, "vrnn": VRNN, "char_rvae": CharRVAE}


def build(name: str, seed: int = 0):
    torch.manual_seed(seed)
    spec = dict(SPECS[name])
    return CLASSES[name](spec), spec


# ------------------------------------------------------------------------------------------
# Data: real tokens, prepared once as int64 tensors.

_SPLIT = re.compile(r"""[!"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~\t\n]""")


def word_sequences(spec, data_dir=DATA, max_texts=200_000):
    """Question texts → ids (Keras-style split, vocabulary vocab12k.txt), post-padded to length.
    Word ids start after the model's special ids; unknown words map to <unk> where the model has
    one (bowman) and are dropped otherwise (sentence_vae, as Keras' Tokenizer does)."""
    texts_path = None
    for size in ("20m", "2m"):
        p = os.path.join(data_dir, f"quora_{size}.questions.txt")
        if os.path.exists(p):
            texts_path = p
            break
    vocab_path = os.path.join(data_dir, "vocab12k.txt")
    if texts_path is None or not os.path.exists(vocab_path):
        raise FileNotFoundError("word data missing: run `python3 generate.py csv --size 2m --text` and "
                                "`python3 generate.py vocab` (run.sh does this)")
    with open(vocab_path, encoding="utf-8") as f:
        words = [w.rstrip("\n") for w in f]
    off = spec["specials"]
    index = {w: i + off for i, w in enumerate(words[: spec["vocab"] - off])}
    unk = 1 if spec["specials"] >= 3 else None
    L = spec["length"]
    rows = []
    with open(texts_path, encoding="utf-8") as f:
        for line in f:
            ids = []
            for w in _SPLIT.sub(" ", line.lower()).split():
                i = index.get(w, unk)
                if i is not None:
                    ids.append(i)
                    if len(ids) == L:
                        break
            if ids:
                rows.append(ids + [PAD] * (L - len(ids)))
            if len(rows) >= max_texts:
                break
    return torch.tensor(rows, dtype=torch.int64)


def char_sequences(spec, data_dir=DATA):
    """tiny_shakespeare as byte codes (< 128), cut into non-overlapping windows of length."""
    path = os.path.join(data_dir, "tiny_shakespeare.txt")
    if not os.path.exists(path):
        raise FileNotFoundError("char data missing: run `python3 generate.py chars` (run.sh does this)")
    with open(path, "rb") as f:
        data = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).to(torch.int64).clamp_(max=127)
    L = spec["length"]
    n = len(data) // L
    return data[: n * L].view(n, L)


def make_batches(name: str, spec: dict, data_dir: str = DATA, seed: int = 0):
    seqs = word_sequences(spec, data_dir) if spec["kind"] == "word" else char_sequences(spec, data_dir)
    g = torch.Generator().manual_seed(seed)
    seqs = seqs[torch.randperm(len(seqs), generator=g)]
    B = spec["batch"]
    return [seqs[i:i + B].contiguous() for i in range(0, len(seqs) - B + 1, B)]


def count_tokens(batch, spec) -> int:
    return int((batch != PAD).sum()) if spec["kind"] == "word" else batch.numel()


# ------------------------------------------------------------------------------------------

def benchmark(name: str, seconds: float, warmup_steps: int = 3, data_dir: str = DATA, threads: int = 2) -> dict:
    """Forward + backward + Adam step in a loop for `seconds` after `warmup_steps`."""
    torch.set_num_threads(threads)
    model, spec = build(name)
    model.train()
    batches = make_batches(name, spec, data_dir)
    counts = [count_tokens(b, spec) for b in batches]  # outside the timed loop
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=spec["lr"])

    def step(b):
        opt.zero_grad(set_to_none=True)
        loss, _, _ = model(b)
        loss.backward()
        opt.step()
        return loss

    for i in range(warmup_steps):
        step(batches[i % len(batches)])
    steps = tokens = 0
    t0 = time.perf_counter()
    while True:
        i = steps % len(batches)
        loss = step(batches[i])
        steps += 1
        tokens += counts[i]
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            break
    positions = steps * spec["batch"] * spec["length"]
    return {"model": name, "steps": steps, "seconds": elapsed, "tokens": tokens, "positions": positions,
            "tokens_per_s": tokens / elapsed, "positions_per_s": positions / elapsed,
            "final_loss": float(loss.detach()), "threads": threads, "torch": torch.__version__,
            "params": sum(p.numel() for p in model.parameters() if p.requires_grad)}


def train_reference(config: dict, seconds: float) -> dict:
    """Train a model on real token data for `seconds` for later quality comparison.
    config: {"model": name, "seed": 0, "lr": override, "kl_anneal_steps": 0, "eval_every": 50,
             "data_dir": DATA, "threads": 2}. Holds out 5% of the batches (at most 20) for evaluation.
    Set OMP_WAIT_POLICY=PASSIVE in the environment before importing torch on a shared machine."""
    name = config["model"]
    torch.set_num_threads(config.get("threads", 2))
    model, spec = build(name, seed=config.get("seed", 0))
    batches = make_batches(name, spec, config.get("data_dir", DATA), seed=config.get("seed", 0))
    n_eval = min(20, max(1, len(batches) // 20))
    eval_b, train_b = batches[:n_eval], batches[n_eval:]
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=config.get("lr", spec["lr"]))
    anneal = config.get("kl_anneal_steps", 0)
    every = config.get("eval_every", 50)
    history = []

    def evaluate():
        model.eval()
        ce = kl = tok = 0.0
        with torch.no_grad():
            for b in eval_b:
                _, c, k = model(b)
                ce += float(c) * b.size(0)
                kl += float(k) * b.size(0)
                tok += count_tokens(b, spec)
        model.train()
        return {"ce_per_token": ce / tok, "kl_per_example": kl / sum(b.size(0) for b in eval_b)}

    step = 0
    tokens = 0
    t0 = time.perf_counter()
    model.train()
    while time.perf_counter() - t0 < seconds:
        b = train_b[step % len(train_b)]
        opt.zero_grad(set_to_none=True)
        _, ce, kl = model(b)
        w = min(1.0, step / anneal) if anneal else 1.0
        (ce + w * kl).backward()
        opt.step()
        step += 1
        tokens += count_tokens(b, spec)
        if step % every == 0:
            history.append({"step": step, "seconds": time.perf_counter() - t0, "train_ce": ce.item(),
                            "train_kl": kl.item(), **evaluate()})
    elapsed = time.perf_counter() - t0
    return {"model": name, "steps": step, "seconds": elapsed, "tokens_per_s": tokens / elapsed,
            "final": evaluate(), "history": history, "config": config}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["bench", "reference"])
    ap.add_argument("model", choices=MODELS)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--result")
    a = ap.parse_args()
    if a.mode == "bench":
        out = benchmark(a.model, a.seconds, a.warmup, threads=a.threads)
    else:
        out = train_reference({"model": a.model, "threads": a.threads}, a.seconds)
    text = json.dumps(out, indent=1)
    if a.result:
        with open(a.result, "w") as f:
            f.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
