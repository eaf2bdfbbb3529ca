#!/usr/bin/env bash
# Runs the numeric test suites once more on every other kernel path this machine can run, so that
# a CPU we do not sit on cannot break main: NeuralCore's own kernels capped to each instruction set
# (CK_ISA=portable|avx2|avx512) and OpenBLAS forced to other core types (VAE_PIPELINE_BLAS_CORE),
# paired so that each path is covered once. The reader's scanner suites (CScan: CSV structure,
# UTF-8 validation, record measuring) and the tokenizer's word scan (TokenizerTests) follow CK_ISA too;
# PlainTextWordBreakSpansTests runs every path itself. The default run (scripts/test.sh) covers
# the best path with OpenBLAS's kernels as chosen for this CPU. Expects a finished `swift build --build-tests`.
set -euo pipefail
cd "$(dirname "$0")/.."
suites='NeuralCoreTests|ModelsTests|TrainingTests|ByteScanningPathTests|CSVRecordParserTests|UTF8ValidationTests|LengthHistogramTests|FuzzRegressionTests|TokenizerTests'
flags="$(grep -m1 '^flags' /proc/cpuinfo || true)"
has() { [[ " $flags " == *" $1 "* ]]; }

paths=("portable Prescott")
if has avx2 && has fma; then paths+=("avx2 Haswell"); fi
if has avx512f && has avx512bw && has avx512dq && has avx512vl; then paths+=("avx512 SkylakeX"); fi

status=0
for path in "${paths[@]}"; do
  read -r isa core <<<"$path"
  echo "== numeric suites with CK_ISA=$isa VAE_PIPELINE_BLAS_CORE=$core"
  log="$(mktemp)"
  if CK_ISA="$isa" VAE_PIPELINE_BLAS_CORE="$core" swift test --skip-build --filter "$suites" >"$log" 2>&1; then
    grep -E "^✔ Test run with" "$log" || tail -n 3 "$log"
  else
    grep -E "^✘|recorded an issue" "$log" | head -n 40
    tail -n 3 "$log"
    status=1
  fi
  rm -f "$log"
done
exit "$status"
