#!/usr/bin/env bash
# Penn Treebank at the two-hour budget: pipelines/ptb-2h.yaml, then its test figures with 500
# importance samples (the protocol of the anchors in README), written to
# Benchmarks/results/ptb-2h.md (and .json).
#
#   Benchmarks/ptb-2h.sh [--steps N] [--samples 500] [--no-build]
#
# --steps N bounds training by steps alone (the file's 56,000 steps take about 112 minutes on an
# idle 2-core machine, validation included; its 120-minute limit stops slower machines).
# Step-bounded training gives the same weights however busy the machine is, and a run stopped on
# the way (a killed session) is resumed from its last checkpoint with the same result as an
# uninterrupted one: run the script again. Training and evaluation take about 2 h 25 min on 2
# idle cores. The run is in Benchmarks/data/ptb-long.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
STEPS=
SAMPLES=500
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) STEPS="${2:?}"; shift ;;
    --samples) SAMPLES="${2:?}"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: $0 [--steps N] [--samples K] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done
[ -z "$STEPS" ] || [[ "$STEPS" =~ ^[1-9][0-9]*$ ]] || { echo "--steps must be a positive whole number" >&2; exit 2; }
[[ "$SAMPLES" =~ ^[1-9][0-9]*$ ]] || { echo "--samples must be a positive whole number" >&2; exit 2; }
PTB="$ROOT/corpora/ptb"
[ -s "$PTB/ptb.train.txt" ] || bash "$ROOT/scripts/fetch-ptb.sh"
if [ $BUILD = 1 ]; then
  swift build -c release --product vae-pipeline --scratch-path "$ROOT/.build-release" >/dev/null
fi
VAE="$ROOT/.build-release/release/vae-pipeline"
OUT="$BENCH/data/ptb-long"
RUN="$OUT/ptb-2h"
mkdir -p "$OUT"
KERNELS="$("$VAE" --version 2>&1 | grep -E '^(CPU|Kernels|BLAS):' | paste -sd '|' | sed 's/|/; /g')"

if [ -f "$RUN/summary.json" ]; then
  echo "-- trained already ($RUN/summary.json): evaluating"
elif [ -d "$RUN/checkpoints" ] && ls "$RUN/checkpoints" | grep -q '^step-'; then
  echo "-- resuming $RUN from its last checkpoint"
  "$VAE" train --resume "$RUN" --quiet >> "$OUT/ptb-2h.train.log" 2>&1
else
  python3 - "$ROOT/pipelines/ptb-2h.yaml" "$PTB" "$RUN" "$STEPS" > "$OUT/ptb-2h.yaml" <<'PYEOF'
import re, sys
path, ptb, out, steps = sys.argv[1:]
text = open(path).read().replace("../corpora/ptb", ptb)
text = re.sub(r"(?m)^output: .*$", f"output: {out}", text)
if steps:
    text = re.sub(r"(?m)^  max_minutes: .*\n", "", text)
    text = re.sub(r"(?m)^  max_steps: .*$", f"  max_steps: {steps}", text)
print(text, end="")
PYEOF
  echo "-- training ${STEPS:+for $STEPS steps }(load $(cut -d' ' -f1 /proc/loadavg))"
  "$VAE" train "$OUT/ptb-2h.yaml" --overwrite --quiet > "$OUT/ptb-2h.train.log" 2>&1
fi

echo "-- eval with $SAMPLES samples"
start=$(date +%s)
"$VAE" eval "$RUN" --corpus "$PTB/ptb.test.txt" --samples "$SAMPLES" --json > "$OUT/ptb-2h.eval.json.partial" \
  2> "$OUT/ptb-2h.eval.log"
mv "$OUT/ptb-2h.eval.json.partial" "$OUT/ptb-2h.eval.json"
echo "$(( $(date +%s) - start ))" > "$OUT/ptb-2h.eval.seconds"

python3 - "$OUT" "$BENCH/results/ptb-2h.md" "$KERNELS" "$SAMPLES" <<'PYEOF'
import json, os, sys
out, md, kernels, samples = sys.argv[1:]
e = json.load(open(os.path.join(out, "ptb-2h.eval.json")))
metrics = [json.loads(l) for l in open(os.path.join(out, "ptb-2h", "metrics.jsonl"))]
train = [m for m in metrics if m.get("kind") == "train"]
validation = [m for m in metrics if m.get("kind") == "validation"]
best = min(validation, key=lambda m: m["loss"]) if validation else None
def read(name):
    p = os.path.join(out, name)
    return open(p).read().strip() if os.path.exists(p) else "?"
summary = json.load(open(os.path.join(out, "ptb-2h", "summary.json")))
row = dict(e, steps=train[-1]["step"], epochs=train[-1]["epoch"] + 1, samples=int(samples),
           best_validation_step=best["step"] if best else None,
           train_seconds=round(summary["seconds"]), eval_seconds=read("ptb-2h.eval.seconds"))
lines = ["# Penn Treebank at the two-hour budget\n",
         f"{kernels.strip()}; `pipelines/ptb-2h.yaml`, test split, the run's best checkpoint by validation; "
         "`bash Benchmarks/ptb-2h.sh`.\n",
         "| steps | epochs | best at step | train s | IW-NLL | IW-PPL (K) | −ELBO | KL | MI | active units | eval s |",
         "|---|---|---|---|---|---|---|---|---|---|---|",
         f"| {row['steps']:,} | {row['epochs']} | {row['best_validation_step']:,} | {row['train_seconds']} | "
         f"{e['iw_nll']:.2f} | {e['iw_perplexity']:.1f} ({samples}) | {e['negative_elbo']:.2f} | {e['kl']:.2f} | "
         f"{e.get('mutual_information') or 0:.2f} | {e['active_units']}/{e['latent']} | {row['eval_seconds']} |",
         "\nTrain seconds are the run's training time (every session of it, validation included) and "
         "eval seconds the evaluation's wall time: with other work on the machine they are longer than an "
         "idle run's, while step-bounded weights are the same."]
open(md, "w").write("\n".join(lines) + "\n")
json.dump(row, open(md.replace(".md", ".json"), "w"), indent=1)
print("\n".join(lines))
PYEOF
