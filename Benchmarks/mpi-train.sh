#!/usr/bin/env bash
# Data-parallel training over MPI against one process, same global batch, one run:
#
#   Benchmarks/mpi-train.sh [--minutes 0.75] [--rounds 2] [--no-build] [PIPELINE ...]
#
# For each shipped pipeline (default: every model family), alternately for --rounds rounds:
# `vae-pipeline train` as one process cutting each batch into 2 slices on 2 threads, and
# `mpirun -np 2 vae-pipeline train --batch-shards 1` (2 ranks, one slice and one thread each,
# over shared memory: the gradient reduce-scattered, each rank stepping its share of the
# parameters, the new weights allgathered). Both train the same global batches
# and give the same weights; the ratio is tokens/s of the 2 ranks over tokens/s of the one
# process, each the mean of metrics.jsonl's training windows after the first 50 steps. Rank 0's
# metrics also give the collective calls' bytes and seconds per step (the wait for the other
# rank apart). Results: Benchmarks/results/mpi-train.md (and .json).
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
MINUTES=0.75
ROUNDS=2
BUILD=1
PIPELINES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="${2:?}"; shift ;;
    --rounds) ROUNDS="${2:?}"; shift ;;
    --no-build) BUILD=0 ;;
    -*) echo "usage: $0 [--minutes M] [--rounds R] [--no-build] [PIPELINE ...]" >&2; exit 2 ;;
    *) PIPELINES+=("$1") ;;
  esac
  shift
done
[ ${#PIPELINES[@]} -gt 0 ] || PIPELINES=(web-sentences shakespeare-rvae shakespeare-vrnn shakespeare-lm words)
command -v mpirun >/dev/null || { echo "!! mpirun is missing: bash scripts/setup.sh installs openmpi-bin." >&2; exit 1; }
if [ $BUILD = 1 ]; then
  swift build -c release --product vae-pipeline --scratch-path "$ROOT/.build-release" >/dev/null
fi
VAE="$ROOT/.build-release/release/vae-pipeline"
OUT="$BENCH/data/mpi-train"
rm -rf "$OUT"; mkdir -p "$OUT"
CPU="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
KERNELS="$("$VAE" --version 2>&1 | grep -E '^(CPU|Kernels|BLAS|MPI):' | sed 's/, not launched by mpirun//' | paste -sd '|' | sed 's/|/; /g')"
# Validation and checkpoints only after the budget: both modes time the same work.
COMMON=(--max-minutes "$MINUTES" --validate-every 100000000 --checkpoint-every 100000000 --overwrite --quiet)
export OMPI_MCA_btl=self,vader,tcp
for p in "${PIPELINES[@]}"; do
  for r in $(seq 1 "$ROUNDS"); do
    echo "-- $p round $r: 1 process x 2 slices (load $(cut -d' ' -f1 /proc/loadavg))"
    "$VAE" train "$ROOT/pipelines/$p.yaml" --batch-shards 2 --out "$OUT/$p-one-$r" "${COMMON[@]}" > "$OUT/$p-one-$r.log" 2>&1
    echo "-- $p round $r: mpirun -np 2 x 1 slice (load $(cut -d' ' -f1 /proc/loadavg))"
    mpirun --allow-run-as-root --oversubscribe -np 2 "$VAE" train "$ROOT/pipelines/$p.yaml" --batch-shards 1 \
      --out "$OUT/$p-mpi-$r" "${COMMON[@]}" > "$OUT/$p-mpi-$r.log" 2>&1
  done
done
python3 - "$OUT" "$BENCH/results/mpi-train.md" "$MINUTES" "$ROUNDS" "$CPU" "$KERNELS" "${PIPELINES[@]}" <<'PYEOF'
import json, os, sys
out, md, minutes, rounds, cpu, kernels, pipelines = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7:]

def windows(run):
    rows = [json.loads(l) for l in open(os.path.join(out, run, "metrics.jsonl"))]
    return [r for r in rows if r.get("kind") == "train" and r["step"] > 50]

def rate(ws):
    return sum(w["tokens_per_second"] for w in ws) / len(ws) if ws else float("nan")

result, lines = {}, []
lines.append(f"# 2 MPI ranks x 1 thread against 1 process x 2 threads, same global batch\n")
lines.append(f"{kernels.strip()}; {minutes} min per run, {rounds} rounds alternated; "
             f"`bash Benchmarks/mpi-train.sh`.\n")
lines.append("| pipeline | 1 process tokens/s | 2 ranks tokens/s | ratio | reduction bytes/step | reduction ms/step (waiting) | steps/s (2 ranks) |")
lines.append("|---|---|---|---|---|---|---|")
for p in pipelines:
    one, mpi, red, wait, nbytes, sps = [], [], [], [], 0, []
    for r in range(1, rounds + 1):
        one.append(rate(windows(f"{p}-one-{r}")))
        ws = windows(f"{p}-mpi-{r}")
        mpi.append(rate(ws))
        red += [w["allreduce_seconds"] for w in ws]
        wait += [w["allreduce_waiting_seconds"] for w in ws]
        nbytes = ws[-1]["allreduce_bytes"] if ws else 0
        if len(ws) > 1:
            sps.append((ws[-1]["step"] - ws[0]["step"]) / (ws[-1]["seconds"] - ws[0]["seconds"]))
    ratio = sum(mpi) / sum(one)
    ms = 1000 * sum(red) / len(red) if red else float("nan")
    wms = 1000 * sum(wait) / len(wait) if wait else float("nan")
    result[p] = {"one_process": one, "two_ranks": mpi, "ratio": ratio, "allreduce_bytes": nbytes,
                 "allreduce_ms": ms, "allreduce_waiting_ms": wms, "steps_per_second": sps}
    lines.append(f"| {p} | {' / '.join(f'{x:,.0f}' for x in one)} | {' / '.join(f'{x:,.0f}' for x in mpi)} | "
                 f"{ratio:.2f}x | {nbytes/1e6:.2f} MB | {ms:.1f} ({wms:.1f}) | {sum(sps)/max(len(sps),1):.1f} |")
lines.append("\nRatio: the sum of the 2-rank rates over the sum of the 1-process rates. Reduction: rank 0's "
             "time in the collective calls per step (the gradient's reduce-scatter, the weights' allgather, the "
             "small exchanges), of which (waiting) for the other rank to arrive.")
open(md, "w").write("\n".join(lines) + "\n")
json.dump({"cpu": cpu, "kernels": kernels.strip(), "minutes": float(minutes), "results": result},
          open(md[:-3] + ".json", "w"), indent=1)
print("\n".join(lines))
PYEOF
