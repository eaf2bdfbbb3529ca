#!/usr/bin/env bash
# The character models against their PyTorch twins at the same wall-clock budget, one run:
#
#   Benchmarks/char-models.sh [--minutes 10] [--no-build] [char_vae] [vrnn] [lstm_lm]
#
# For each model, alternately: `vae-pipeline train pipelines/shakespeare-*.yaml --max-minutes M`
# (the whole streaming pipeline: read, tokenize, window, shuffle, train), then `vae-pipeline
# eval` on the held-out last 10 % of tiny Shakespeare; and Benchmarks/python/char_budget.py, the
# same configuration in PyTorch on the same stream, trained for the same minutes and scored on the
# same windows. Then model-benchmark's step rate for the same shapes (20 s each), to show whether
# the pipeline keeps the model fed. Results: Benchmarks/results/char-models.md (and .json).
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
MINUTES=10
BUILD=1
MODELS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="${2:?}"; shift ;;
    --no-build) BUILD=0 ;;
    char_vae|vrnn|lstm_lm) MODELS+=("$1") ;;
    *) echo "usage: $0 [--minutes M] [--no-build] [char_vae] [vrnn] [lstm_lm]" >&2; exit 2 ;;
  esac
  shift
done
[ ${#MODELS[@]} -gt 0 ] || MODELS=(char_vae vrnn lstm_lm)
PY="$BENCH/.venv/bin/python"
[ -x "$PY" ] || { echo "!! $PY is missing: run 'bash Benchmarks/run.sh --quick train' once to create the PyTorch venv." >&2; exit 1; }
if [ $BUILD = 1 ]; then
  swift build -c release --product vae-pipeline --scratch-path "$ROOT/.build-release" >/dev/null
  swift build -c release --product model-benchmark --scratch-path "$ROOT/.build-release" >/dev/null
fi
VAE="$ROOT/.build-release/release/vae-pipeline"
MB="$ROOT/.build-release/release/model-benchmark"
OUT="$BENCH/data/char-models"
mkdir -p "$OUT"
rm -f "$OUT"/*.json
declare -A PIPELINE=([char_vae]=shakespeare-rvae [vrnn]=shakespeare-vrnn [lstm_lm]=shakespeare-lm)
declare -A SHAPES=([char_vae]=char_rvae [vrnn]=vrnn [lstm_lm]=)
CPU="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
for m in "${MODELS[@]}"; do
  echo "-- $m: vae-pipeline, $MINUTES min (load $(cut -d' ' -f1 /proc/loadavg))"
  run="$OUT/run-$m"
  # Only the final validation (after the budget), as the PyTorch side scores only at the end.
  "$VAE" train "$ROOT/pipelines/${PIPELINE[$m]}.yaml" --max-minutes "$MINUTES" --validate-every 100000000 \
    --checkpoint-every 100000000 --out "$run" --overwrite --quiet > "$OUT/train-$m.log" 2>&1
  "$VAE" eval "$run" --corpus "$ROOT/corpora/tiny_shakespeare.valid.txt.gz" --format lines --json > "$OUT/eval-$m.json"
  echo "-- $m: PyTorch, $MINUTES min (load $(cut -d' ' -f1 /proc/loadavg))"
  (cd "$BENCH/python" && OMP_WAIT_POLICY=PASSIVE "$PY" char_budget.py "$m" --minutes "$MINUTES" --data-dir "$ROOT/corpora" \
     --result "$OUT/torch-$m.json" > /dev/null)
  if [ -n "${SHAPES[$m]}" ]; then
    "$MB" "${SHAPES[$m]}" --seconds 20 --json --data "$BENCH/data/tiny_shakespeare.txt" > "$OUT/step-$m.json" 2>/dev/null \
      || "$MB" "${SHAPES[$m]}" --seconds 20 --json > "$OUT/step-$m.json"
  fi
done
"$PY" - "$OUT" "$BENCH/results/char-models.md" "$MINUTES" "$CPU" "${MODELS[@]}" <<'PYEOF'
import json, os, sys
out, md, minutes, cpu, models = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
rows, data = [], {}
names = " ".join(models)
for m in models:
    ours = json.load(open(os.path.join(out, f"eval-{m}.json")))
    summary = json.load(open(os.path.join(out, f"run-{m}", "summary.json")))
    torch = json.load(open(os.path.join(out, f"torch-{m}.json")))
    step_file = os.path.join(out, f"step-{m}.json")
    step = json.load(open(step_file)) if os.path.exists(step_file) else None
    rate = summary.get("tokensPerSecond") or 0
    data[m] = {"ours": ours, "ours_train_chars_per_s": rate, "torch": torch, "model_benchmark": step}
    step_rate = (step or {}).get("tokens_per_s") or (step or {}).get("tokensPerSecond")
    rows.append(f"| {m} | {ours['bits_per_character']:.3f} | {torch['valid_bits_per_char']:.3f} | {rate:,.0f} | {torch['chars_per_s']:,.0f} | "
                f"{rate / torch['chars_per_s']:.2f}× | " + (f"{step_rate:,.0f} | {rate / step_rate:.2f}×" if step_rate else "– | –") + " |")
with open(md, "w") as f:
    f.write(f"# Character models at a {minutes}-minute budget: vae-pipeline vs PyTorch\n\n")
    f.write(f"CPU: {cpu}; 2 cores. Command: `bash Benchmarks/char-models.sh --minutes {minutes} {names}`. Validation: the last 10 % of tiny\n"
            "Shakespeare (non-overlapping windows, one posterior sample); bits per character = −ELBO (NLL for the LM) per character / ln 2.\n"
            "Training chars/s: vae-pipeline's whole `train --stream` (read, tokenize, window, shuffle, train), PyTorch's training loop\n"
            "on pre-built tensors. model-benchmark: the step rate of the same shapes on pre-built batches (128 symbols).\n\n")
    f.write("| model | vae-pipeline bits/char | PyTorch bits/char | vae-pipeline chars/s | PyTorch chars/s | ratio | model-benchmark chars/s | pipeline / step rate |\n|---|---|---|---|---|---|---|---|\n")
    f.write("\n".join(rows) + "\n")
json.dump(data, open(md.replace(".md", ".json"), "w"), indent=1)
print(open(md).read())
PYEOF
