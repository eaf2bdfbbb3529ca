#!/usr/bin/env bash
# Side-by-side benchmarks of vae-pipeline against peer tools, measured in the same run.
#
#   Benchmarks/run.sh [--quick] [--reps N] [--no-python] [--no-build] [--size 2m|20m|1g]
#                     [--train-seconds S] [suite…]
#
# Suites: read memory tokenize vocab embeddings train (default: all).
# See Benchmarks/README.md for what each measures and the goals.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
COMMAND="Benchmarks/run.sh${*:+ $*}"
QUICK=0
REPS=""
NO_PYTHON=0
NO_BUILD=0
SIZE=""
TRAIN_SECONDS=""
SUITES=()
ALL_SUITES=(read memory tokenize vocab embeddings train)

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "!! $*" >&2; exit 1; }
note() { echo "-- $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --reps) REPS="${2:?--reps needs a number}"; shift ;;
    --reps=*) REPS="${1#*=}" ;;
    --no-python) NO_PYTHON=1 ;;
    --no-build) NO_BUILD=1 ;;
    --size) SIZE="${2:?--size needs 2m, 20m or 1g}"; shift ;;
    --train-seconds) TRAIN_SECONDS="${2:?}"; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) SUITES+=("$1") ;;
  esac
  shift
done
[ ${#SUITES[@]} -gt 0 ] || SUITES=("${ALL_SUITES[@]}")
for s in "${SUITES[@]}"; do
  case " ${ALL_SUITES[*]} " in *" $s "*) ;; *) die "unknown suite '$s' (known: ${ALL_SUITES[*]})" ;; esac
done
[ -n "$REPS" ] || { [ $QUICK = 1 ] && REPS=1 || REPS=3; }
[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || die "--reps must be a positive integer"

# ---------------------------------------------------------------------------------------------
# 1. Debian packages the harness and the native peers need (installed only when missing).
need_pkgs=()
need() { # need COMMAND_OR_FILE PACKAGE
  if [[ "$1" == /* ]]; then [ -e "$1" ] || need_pkgs+=("$2"); else command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2"); fi
}
need /usr/bin/time time
need gzip gzip
need zstd zstd
need pigz pigz
need igzip isal
need python3 python3
need cc gcc
need pkg-config pkg-config
need git git
pkg-config --exists icu-uc icu-i18n 2>/dev/null || need_pkgs+=(libicu-dev)
if [ $NO_PYTHON = 0 ]; then
  # PyICU ships as source only: it compiles against libicu-dev with g++ and the Python headers.
  need g++ g++
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_pkgs+=(python3-venv)
    python3 -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
      || need_pkgs+=(python3-dev)
  else
    need_pkgs+=(python3-venv python3-dev)
  fi
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then die "missing Debian packages: ${need_pkgs[*]} (run as root, or install them)"; fi
  note "installing Debian packages: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null \
    || die "apt-get install ${need_pkgs[*]} failed"
fi

# ---------------------------------------------------------------------------------------------
# 2. vae-pipeline, release build in its own scratch path (git-ignored .build-release).
VAE=""
VAE_NOTE=""
VAE_BIN="$ROOT/.build-release/release/vae-pipeline"
if [ $NO_BUILD = 1 ]; then
  [ -x "$VAE_BIN" ] && VAE="$VAE_BIN" || VAE_NOTE="vae-pipeline not built (--no-build and no earlier build): peers only"
elif ! command -v swift >/dev/null 2>&1; then
  VAE_NOTE="swift not found: vae-pipeline not built, running peers only"
else
  note "building vae-pipeline (release) …"
  mkdir -p "$BENCH/data"
  # The Debian packages vae-pipeline links against (libarchive, libdeflate, ISA-L, ICU, OpenBLAS).
  bash "$ROOT/scripts/setup.sh"
  if swift build -c release --product vae-pipeline --scratch-path "$ROOT/.build-release" \
       >"$BENCH/data/build.log" 2>&1; then
    VAE="$VAE_BIN"
    swift build -c release --product model-benchmark --scratch-path "$ROOT/.build-release" >>"$BENCH/data/build.log" 2>&1 || echo "!! model-benchmark release build FAILED (log: Benchmarks/data/build.log): train suite runs PyTorch only"
  else
    VAE_NOTE="vae-pipeline release build FAILED (log: Benchmarks/data/build.log): running peers only"
    echo "!! $VAE_NOTE"; tail -n 15 "$BENCH/data/build.log" | sed 's/^/   /'
  fi
fi

# ---------------------------------------------------------------------------------------------
# 3. Python peers in Benchmarks/.venv with pinned versions.
VENV_PY=""
if [ $NO_PYTHON = 0 ]; then
  VENV="$BENCH/.venv"
  STAMP="$VENV/.requirements.stamp"
  want="$(cat "$BENCH/requirements.txt" "$BENCH/requirements-torch.txt" | sha256sum | cut -c1-16)"
  if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
    note "setting up $VENV (pinned peers; torch is the CPU-only wheel) …"
    python3 -m venv "$VENV" || die "python3 -m venv failed (is python3-venv installed?)"
    "$VENV/bin/pip" install -q -r "$BENCH/requirements.txt" \
      || die "pip install -r Benchmarks/requirements.txt failed (PyICU builds against libicu-dev with pkg-config)"
    # torch==X+cpu exists only in a find-links folder (the machines keep it in /opt/wheels); pinning the
    # +cpu local version means pip can never fall back to PyPI's multi-GB CUDA build.
    FIND_LINKS=()
    [ -d /opt/wheels ] && FIND_LINKS=(--find-links /opt/wheels)
    if "$VENV/bin/pip" install -q "${FIND_LINKS[@]}" -r "$BENCH/requirements-torch.txt"; then
      echo "$want" >"$STAMP"
    else
      echo "!! the CPU-only torch wheel ($(cat "$BENCH/requirements-torch.txt")) was not found (pip find-links"
      echo "   /opt/wheels or PIP_FIND_LINKS); the train suite will be skipped. Never install PyPI's default torch."
    fi
  fi
  VENV_PY="$VENV/bin/python"
else
  note "--no-python: Python peers skipped (native peers and vae-pipeline only)"
fi

# ---------------------------------------------------------------------------------------------
# 4. Native ceiling: ICU word-break loop in C (tokenize suite).
ICU_LOOP=""
if [[ " ${SUITES[*]} " == *" tokenize "* ]]; then
  mkdir -p "$BENCH/data/bin"
  src="$BENCH/native/icu_wordbreak_loop.c"
  out="$BENCH/data/bin/icu_wordbreak_loop"
  if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
    # shellcheck disable=SC2046
    cc -O2 -o "$out" "$src" $(pkg-config --cflags --libs icu-uc icu-i18n) \
      || echo "!! could not compile $src: ICU ceiling skipped"
  fi
  if [ -x "$out" ]; then ICU_LOOP="$out"; fi
fi

# ---------------------------------------------------------------------------------------------
# 5. Generate inputs as needed, run the suites in alternation, print and write the table.
args=(--suites "$(IFS=,; echo "${SUITES[*]}")" --reps "$REPS" --command "$COMMAND")
[ $QUICK = 1 ] && args+=(--quick)
[ -n "$VAE" ] && args+=(--vae "$VAE")
[ -n "$VAE_NOTE" ] && args+=(--vae-note "$VAE_NOTE")
[ -n "$VENV_PY" ] && args+=(--venv-python "$VENV_PY")
[ -n "$ICU_LOOP" ] && args+=(--icu-loop "$ICU_LOOP")
[ -n "$SIZE" ] && args+=(--size "$SIZE")
[ -n "$TRAIN_SECONDS" ] && args+=(--train-seconds "$TRAIN_SECONDS")
exec python3 "$BENCH/python/bench.py" "${args[@]}"
