#!/usr/bin/env bash
# Is the OpenBLAS kernel choice right on this CPU? Times `model-benchmark gemm-peak` (sgemm 512³ on
# 2 threads unless --threads) with the core type vae-pipeline chooses by itself ("auto") and with every core type
# this CPU can run, alternated round by round so that machine drift hits all alike, and writes
# the medians and auto ÷ best to Benchmarks/results/blas-cores.md. Goal: auto within 10 % of best.
#
#   Benchmarks/blas-cores.sh [--rounds N] [--seconds S] [--threads T] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3 seconds=2 build=1 threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --no-build) build=0 ;;
    *) echo "usage: $0 [--rounds N] [--seconds S] [--threads T] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done
bash scripts/setup.sh
if [ $build = 1 ]; then
  for product in model-benchmark vae-pipeline; do
    swift build -c release --product "$product" 2>&1 | grep -E "error|Build" || true
  done
fi
bin="$(swift build -c release --show-bin-path)"
flags="$(grep -m1 '^flags' /proc/cpuinfo || true)"
has() { [[ " $flags " == *" $1 "* ]]; }
cores=(Prescott Nehalem)
if has avx; then cores+=(Sandybridge); fi
if has avx2 && has fma; then cores+=(Haswell Zen); fi
if has avx512f && has avx512bw && has avx512dq && has avx512vl; then cores+=(SkylakeX); fi
if has avx512_bf16; then cores+=(Cooperlake); fi
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
for r in $(seq "$rounds"); do
  for core in auto misguess "${cores[@]}"; do
    # misguess: OpenBLAS made to guess Prescott, as an old build does on a CPU newer than itself
    # (auto is asked for explicitly, since a core set by OPENBLAS_CORETYPE is otherwise kept).
    if [ "$core" = misguess ]; then
      OPENBLAS_CORETYPE=Prescott VAE_PIPELINE_BLAS_CORE=auto "$bin/model-benchmark" gemm-peak --seconds "$seconds" --threads "$threads" --json >"$out/$core.$r.json"
    else
      VAE_PIPELINE_BLAS_CORE="$core" "$bin/model-benchmark" gemm-peak --seconds "$seconds" --threads "$threads" --json >"$out/$core.$r.json"
    fi
    echo "round $r $core: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.1f GFLOP/s (%s)" % (d["gflops"], d["blas_core"]))' "$out/$core.$r.json")"
  done
done
python3 - "$out" "$rounds" "$bin/vae-pipeline" "$threads" "${cores[@]}" <<'PY'
import json, os, statistics, subprocess, sys, datetime
out, rounds, vae, threads, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
def med(core):
    return statistics.median(json.load(open(f"{out}/{core}.{r}.json"))["gflops"] for r in range(1, rounds + 1))
auto_core = json.load(open(f"{out}/auto.1.json"))["blas_core"]
medians = {c: med(c) for c in cores}
best = max(medians, key=medians.get)
auto = med("auto")
misguess, misguess_core = med("misguess"), json.load(open(f"{out}/misguess.1.json"))["blas_core"]
version = subprocess.run([vae, "--version"], capture_output=True, text=True).stdout.strip().splitlines()
lines = ["# OpenBLAS kernel choice: gemm-peak per core type", "",
         f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, "
         f"1-minute load at end {os.getloadavg()[0]:.2f} (above 2 on 2 cores: other work competed)",
         *[f"- {l}" for l in version],
         f"- command: `Benchmarks/blas-cores.sh --rounds {rounds} --threads {threads}` (sgemm 512³, {threads} thread(s), medians of {rounds} alternated rounds)", "",
         "| core type | GFLOP/s |", "|---|---|",
         f"| **auto** (runs {auto_core}) | **{auto:.1f}** |",
         f"| auto when OpenBLAS guesses Prescott (`OPENBLAS_CORETYPE=Prescott VAE_PIPELINE_BLAS_CORE=auto`; runs {misguess_core}) | {misguess:.1f} |",
         *[f"| {c} | {medians[c]:.1f} |" for c in cores], "",
         f"auto ÷ best ({best}): **{auto / medians[best]:.2f}×**; after a Prescott guess: "
         f"**{misguess / medians[best]:.2f}×** (goal ≥ 0.90)", ""]
os.makedirs("Benchmarks/results", exist_ok=True)
open("Benchmarks/results/blas-cores.md", "w").write("\n".join(lines))
print("\n".join(lines))
PY
