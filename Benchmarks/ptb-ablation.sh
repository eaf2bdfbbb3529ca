#!/usr/bin/env bash
# Penn Treebank at a fixed training budget, one row per method, each a pipeline option:
#
#   Benchmarks/ptb-ablation.sh [--minutes 30 | --steps N] [--jobs J] [--samples 100] [--no-build] [ROW ...]
#   Benchmarks/ptb-ablation.sh --table-only   (rewrite the table from the rows measured so far)
#
# Rows (default: all), each pipelines/ptb.yaml with the changes named. Every row but
# one-epoch-phase and weight-average keeps the two-epoch autoencoder phase (2,630 steps) that the
# pipeline had when the table was measured (it has one epoch since 2026-12-07):
#   ptb         pipelines/ptb.yaml with a two-epoch autoencoder phase: autoencoder phase + fresh
#               decoder, free bits, dropout, linear KL annealing, learning-rate decay, output
#               layer tied to the embedding table
#   one-epoch-phase pipelines/ptb.yaml as shipped (a one-epoch autoencoder phase)
#   weight-average one-epoch-phase whose model is the mean of the weights over the last 10 % of
#               the budget (training.weight_average)
#   weight-decay ptb with decoupled weight decay 0.1 (AdamW)
#   untied      ptb with its own output layer (no model.tie_embeddings)
#   untied-weight-decay untied with weight decay 0.1
#   no-decay    untied without training.optimizer.decay
# The method rows compare ways of training the latent space; they were measured untied, so they
# stay untied:
#   no-pretrain untied without the autoencoder phase (free bits and annealing stay)
#   free-bits-0.1 no-pretrain with a floor of 0.1 nats per dimension (3.2 in all) for 0.25
#   monotonic   untied, no autoencoder phase and no free bits: KL annealing alone (Bowman et al.)
#   cyclical    untied, no autoencoder phase and no free bits; cyclical KL annealing, 4 cycles
#               (Fu et al.)
#   aggressive  monotonic + aggressive inference-network training (He et al.)
# Each row trains for --minutes (its decay follows that budget), then `vae-pipeline eval` scores
# the run on the test split with --samples importance samples. PTB is fetched by
# scripts/fetch-ptb.sh (or read from ../shared/corpora). Results:
# Benchmarks/results/ptb-ablation.md (and .json), with every row whose results are in
# Benchmarks/data/ptb-ablation (so rows measured by separate invocations share one table). A row
# takes --minutes plus its eval (about 8 minutes at 100 samples on 2 cores).
#
# --steps N bounds each row by steps instead of time (ptb.yaml's 15,000 steps take about 29
# minutes on an idle 2-core machine). Step-bounded training gives the same weights however busy
# the machine is, so rows can then run --jobs at a time and still be what an idle run gives; only
# their wall time grows. Rows whose steps are slow (aggressive) need the time bound to be
# comparable, so --steps refuses them.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
MINUTES=30
STEPS=
JOBS=1
SAMPLES=100
BUILD=1
TABLE_ONLY=0
ROWS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="${2:?}"; shift ;;
    --steps) STEPS="${2:?}"; shift ;;
    --jobs) JOBS="${2:?}"; shift ;;
    --samples) SAMPLES="${2:?}"; shift ;;
    --no-build) BUILD=0 ;;
    --table-only) TABLE_ONLY=1; BUILD=0 ;;
    -*) echo "usage: $0 [--minutes M | --steps N] [--jobs J] [--samples K] [--no-build] [ROW ...] | --table-only" >&2
        exit 2 ;;
    *) ROWS+=("$1") ;;
  esac
  shift
done
ALL_ROWS=(ptb one-epoch-phase weight-average weight-decay untied untied-weight-decay no-decay no-pretrain free-bits-0.1 monotonic cyclical aggressive)
[ ${#ROWS[@]} -gt 0 ] || ROWS=("${ALL_ROWS[@]}")
for row in "${ROWS[@]}"; do
  case " ${ALL_ROWS[*]} " in *" $row "*) ;; *) echo "unknown row $row (rows: ${ALL_ROWS[*]})" >&2; exit 2 ;; esac
  if [ -n "$STEPS" ] && [ "$row" = aggressive ]; then
    echo "--steps cannot run the aggressive row: its steps are far slower, so only a time bound compares it" >&2
    exit 2
  fi
done
[[ "$JOBS" =~ ^[1-9][0-9]?$ ]] || { echo "--jobs must be a whole number from 1 to 99" >&2; exit 2; }
[ -z "$STEPS" ] || [[ "$STEPS" =~ ^[1-9][0-9]*$ ]] || { echo "--steps must be a positive whole number" >&2; exit 2; }
PTB="$ROOT/corpora/ptb"
if [ "$TABLE_ONLY" = 0 ] && [ ! -s "$PTB/ptb.train.txt" ]; then bash "$ROOT/scripts/fetch-ptb.sh"; fi
if [ $BUILD = 1 ]; then
  swift build -c release --product vae-pipeline --scratch-path "$ROOT/.build-release" >/dev/null
fi
VAE="$ROOT/.build-release/release/vae-pipeline"
OUT="$BENCH/data/ptb-ablation"
mkdir -p "$OUT"
KERNELS="$("$VAE" --version 2>&1 | grep -E '^(CPU|Kernels|BLAS):' | paste -sd '|' | sed 's/|/; /g')"
run_row() {
  local row="$1"
  python3 - "$ROOT/pipelines/ptb.yaml" "$row" "$PTB" "$OUT/$row" "$STEPS" > "$OUT/$row.yaml" <<'PYEOF'
import re, sys
path, row, ptb, out, steps = sys.argv[1:]
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
if row not in ("one-epoch-phase", "weight-average"):
    replace(r"pretrain: \{steps: 1315,", "pretrain: {steps: 2630,")
if row == "weight-average":
    replace(r"(?m)^  clip_norm: (.*)$", r"  clip_norm: \1\n  weight_average: {after: 0.9}")
if steps:
    without("max_minutes")
    assert re.search(r"(?m)^  max_steps: ", text), "max_steps"
    text = re.sub(r"(?m)^  max_steps: .*$", f"  max_steps: {steps}", text)
if row in ("weight-decay", "untied-weight-decay"):
    replace(r"learning_rate: 0.002, ", "learning_rate: 0.002, weight_decay: 0.1, ")
if row not in ("ptb", "one-epoch-phase", "weight-average", "weight-decay"):
    without("tie_embeddings")
if row == "no-decay":
    replace(r", decay: \{[^}]*\}", "")
elif row in ("no-pretrain", "free-bits-0.1"):
    without("pretrain")
    if row == "free-bits-0.1":
        replace(r"(?m)^  free_bits: .*$", "  free_bits: 0.1")
elif row in ("monotonic", "cyclical", "aggressive"):
    without("pretrain")
    without("free_bits")
    if row == "cyclical":
        replace(r"(?m)^  kl_annealing: .*$", "  kl_annealing: {schedule: cyclical, period: 3750, ratio: 0.5}")
    if row == "aggressive":
        replace(r"(?m)^training:\n", "training:\n  aggressive_inference: {max_encoder_updates: 100, check_every: 15}\n")
elif row not in ("ptb", "one-epoch-phase", "weight-average", "weight-decay", "untied", "untied-weight-decay"):
    sys.exit(f"unknown row {row}")
print(text, end="")
PYEOF
  local bound=(--max-minutes "$MINUTES")
  [ -z "$STEPS" ] || bound=()
  local budget="$MINUTES min"
  [ -z "$STEPS" ] || budget="$STEPS steps"
  echo "-- $row: training for $budget (load $(cut -d' ' -f1 /proc/loadavg))"
  rm -f "$OUT/$row.eval.json"
  local start=$(date +%s)
  "$VAE" train "$OUT/$row.yaml" "${bound[@]}" --overwrite --quiet > "$OUT/$row.train.log" 2>&1
  echo "$(( $(date +%s) - start ))" > "$OUT/$row.train.seconds"
  echo "-- $row: eval with $SAMPLES samples"
  start=$(date +%s)
  "$VAE" eval "$OUT/$row" --corpus "$PTB/ptb.test.txt" --samples "$SAMPLES" --json > "$OUT/$row.eval.json.partial" \
    2> "$OUT/$row.eval.log"
  mv "$OUT/$row.eval.json.partial" "$OUT/$row.eval.json"
  echo "$(( $(date +%s) - start ))" > "$OUT/$row.eval.seconds"
  echo "$budget|$SAMPLES" > "$OUT/$row.budget"
}
failed=0
running=0
[ "$TABLE_ONLY" = 0 ] || ROWS=()
for row in "${ROWS[@]}"; do
  run_row "$row" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n || failed=1; running=$((running - 1)); fi
done
while [ "$running" -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
[ "$failed" = 0 ] || { echo "a row failed: see $OUT/*.log" >&2; exit 1; }
python3 - "$OUT" "$BENCH/results/ptb-ablation.md" "$KERNELS" "${ALL_ROWS[@]}" <<'PYEOF'
import json, os, sys
out, md, kernels, rows = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
lines = ["# Penn Treebank: one row per method at a fixed training budget\n",
         f"{kernels.strip()}; test split, the run's best checkpoint by validation; "
         "`bash Benchmarks/ptb-ablation.sh` (see its header for the rows).\n",
         "| row | budget | steps | epochs | train s | IW-NLL | IW-PPL (K) | −ELBO | KL | MI | active units | eval s |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|"]
result = {}
for row in rows:
    path = os.path.join(out, f"{row}.eval.json")
    if not os.path.exists(path):
        continue
    e = json.load(open(path))
    # Where the run stopped: its summary (a run stopped by time ends between logged steps), else
    # the last logged training step.
    summary_path = os.path.join(out, row, "summary.json")
    if os.path.exists(summary_path):
        summary = json.load(open(summary_path))
        last = {"step": summary["step"], "epoch": summary["epoch"]}
    else:
        metrics = [json.loads(l) for l in open(os.path.join(out, row, "metrics.jsonl"))]
        train = [m for m in metrics if m.get("kind") == "train"]
        last = train[-1] if train else {"step": 0, "epoch": 0}
    def read(suffix):
        p = os.path.join(out, f"{row}.{suffix}")
        return open(p).read().strip() if os.path.exists(p) else "?"
    budget, samples = (read("budget").split("|") + ["?", "?"])[:2]
    result[row] = dict(e, steps=last["step"], epochs=last["epoch"] + 1, budget=budget,
                       train_seconds=read("train.seconds"), eval_seconds=read("eval.seconds"))
    lines.append(f"| {row} | {budget} | {last['step']:,} | {last['epoch'] + 1} | {read('train.seconds')} | "
                 f"{e['iw_nll']:.2f} | {e['iw_perplexity']:.1f} ({samples}) | "
                 f"{e['negative_elbo']:.2f} | {e['kl']:.2f} | {e.get('mutual_information') or 0:.2f} | "
                 f"{e['active_units']}/{e['latent']} | {read('eval.seconds')} |")
lines.append("\nTrain and eval seconds are wall times of that run: with --jobs above 1 or other work on the "
             "machine they are longer than an idle run's, while step-bounded weights are the same.")
# Notes written below the table (from its first "## " heading on) are kept.
notes = ""
if os.path.exists(md):
    previous = open(md).read()
    at = previous.find("\n## ")
    notes = previous[at:] if at >= 0 else ""
open(md, "w").write("\n".join(lines) + "\n" + notes)
json.dump(result, open(md.replace(".md", ".json"), "w"), indent=1)
print("\n".join(lines))
PYEOF
