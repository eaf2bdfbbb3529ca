#!/usr/bin/env bash
# Penn Treebank at a fixed training budget, one row per method, each a pipeline option:
#
#   Benchmarks/ptb-ablation.sh [--minutes 30] [--samples 100] [--no-build] [ROW ...]
#
# Rows (default: all), each pipelines/ptb.yaml with the changes named:
#   ptb         pipelines/ptb.yaml as shipped: autoencoder phase + fresh decoder, free bits,
#               dropout, linear KL annealing, learning-rate decay
#   no-decay    ptb without training.optimizer.decay
#   monotonic   no autoencoder phase and no free bits: KL annealing alone (Bowman et al.)
#   cyclical    no autoencoder phase and no free bits; cyclical KL annealing, 4 cycles (Fu et al.)
#   aggressive  monotonic + aggressive inference-network training (He et al.)
# Each row trains for --minutes (its decay follows that budget), then `vae-pipeline eval` scores
# the best checkpoint on the test split with --samples importance samples. PTB is fetched by
# scripts/fetch-ptb.sh (or read from ../shared/corpora). Results:
# Benchmarks/results/ptb-ablation.md (and .json). A row takes --minutes plus its eval (about
# 7 minutes at 100 samples on 2 cores); rows run one after the other.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
MINUTES=30
SAMPLES=100
BUILD=1
ROWS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="${2:?}"; shift ;;
    --samples) SAMPLES="${2:?}"; shift ;;
    --no-build) BUILD=0 ;;
    -*) echo "usage: $0 [--minutes M] [--samples K] [--no-build] [ROW ...]" >&2; exit 2 ;;
    *) ROWS+=("$1") ;;
  esac
  shift
done
[ ${#ROWS[@]} -gt 0 ] || ROWS=(ptb no-decay monotonic cyclical aggressive)
PTB="$ROOT/corpora/ptb"
if [ ! -s "$PTB/ptb.train.txt" ]; then bash "$ROOT/scripts/fetch-ptb.sh"; fi
if [ $BUILD = 1 ]; then
  swift build -c release --product vae-pipeline --scratch-path "$ROOT/.build-release" >/dev/null
fi
VAE="$ROOT/.build-release/release/vae-pipeline"
OUT="$BENCH/data/ptb-ablation"
mkdir -p "$OUT"
CPU="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
KERNELS="$("$VAE" --version 2>&1 | grep -E '^(CPU|Kernels|BLAS):' | paste -sd '|' | sed 's/|/; /g')"
for row in "${ROWS[@]}"; do
  python3 - "$ROOT/pipelines/ptb.yaml" "$row" "$PTB" "$OUT/$row" > "$OUT/$row.yaml" <<'PYEOF'
import re, sys
path, row, ptb, out = sys.argv[1:]
text = open(path).read()
text = text.replace("../corpora/ptb", ptb)
text = re.sub(r"(?m)^output: .*$", f"output: {out}", text)
def without(key):
    global text
    new = re.sub(rf"(?m)^  {key}: .*\n", "", text)
    assert new != text, key
    text = new
def replace(pattern, value):
    global text
    new = re.sub(pattern, value, text)
    assert new != text, pattern
    text = new
if row == "no-decay":
    replace(r", decay: \{[^}]*\}", "")
elif row in ("monotonic", "cyclical", "aggressive"):
    without("pretrain")
    without("free_bits")
    if row == "cyclical":
        replace(r"(?m)^  kl_annealing: .*$", "  kl_annealing: {schedule: cyclical, period: 3750, ratio: 0.5}")
    if row == "aggressive":
        replace(r"(?m)^training:\n", "training:\n  aggressive_inference: {max_encoder_updates: 100, check_every: 15}\n")
elif row != "ptb":
    sys.exit(f"unknown row {row}")
print(text, end="")
PYEOF
  echo "-- $row: training for $MINUTES min (load $(cut -d' ' -f1 /proc/loadavg))"
  "$VAE" train "$OUT/$row.yaml" --max-minutes "$MINUTES" --overwrite --quiet > "$OUT/$row.train.log" 2>&1
  echo "-- $row: eval with $SAMPLES samples"
  start=$(date +%s)
  "$VAE" eval "$OUT/$row" --corpus "$PTB/ptb.test.txt" --samples "$SAMPLES" --json > "$OUT/$row.eval.json" 2> "$OUT/$row.eval.log"
  echo "$(( $(date +%s) - start ))" > "$OUT/$row.eval.seconds"
done
python3 - "$OUT" "$BENCH/results/ptb-ablation.md" "$MINUTES" "$SAMPLES" "$KERNELS" "${ROWS[@]}" <<'PYEOF'
import json, os, sys
out, md, minutes, samples, kernels, rows = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
lines = [f"# Penn Treebank: one row per method at {minutes} minutes of training\n",
         f"{kernels.strip()}; test split, best checkpoint, K = {samples} importance samples; "
         f"`bash Benchmarks/ptb-ablation.sh --minutes {minutes} --samples {samples}`.\n",
         "| row | steps | epochs | IW-NLL | IW-PPL | −ELBO | KL | MI | active units | eval s |",
         "|---|---|---|---|---|---|---|---|---|---|"]
result = {}
for row in rows:
    e = json.load(open(os.path.join(out, f"{row}.eval.json")))
    metrics = [json.loads(l) for l in open(os.path.join(out, row, "metrics.jsonl"))]
    train = [m for m in metrics if m.get("kind") == "train"]
    last = train[-1] if train else {"step": 0, "epoch": 0}
    seconds = open(os.path.join(out, f"{row}.eval.seconds")).read().strip()
    result[row] = dict(e, steps=last["step"], epochs=last["epoch"] + 1)
    lines.append(f"| {row} | {last['step']:,} | {last['epoch'] + 1} | {e['iw_nll']:.2f} | {e['iw_perplexity']:.1f} | "
                 f"{e['negative_elbo']:.2f} | {e['kl']:.2f} | {e.get('mutual_information') or 0:.2f} | "
                 f"{e['active_units']}/{e['latent']} | {seconds} |")
open(md, "w").write("\n".join(lines) + "\n")
json.dump(result, open(md.replace(".md", ".json"), "w"), indent=1)
print("\n".join(lines))
PYEOF
