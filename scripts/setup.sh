#!/usr/bin/env bash
# Installs the Debian packages vae-pipeline builds against, when any is missing.
# Idempotent and quiet when everything is present; safe to run before every build.
#   bash scripts/setup.sh          what building needs
#   bash scripts/setup.sh tests    also the compressors and python3 the tests generate data with,
#                                  Open MPI (mpirun and libmpi.so.40, loaded at run time, never
#                                  linked) for the training-across-processes tests, and Python's
#                                  tokenizers for the tokenizer.json parity tests
set -euo pipefail

required=(libarchive-dev libdeflate-dev libisal-dev libzstd-dev libicu-dev libopenblas-dev pkg-config)
if [ "${1:-}" = "tests" ]; then
  required+=(gzip bzip2 xz-utils zstd lz4 python3 libopenmpi-dev openmpi-bin)
fi
missing=()
for package in "${required[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "tests" ]; then
  # Python's Hugging Face `tokenizers`, for the tokenizer.json parity tests (they skip without it).
  bash "$(dirname "$0")/install-python-tokenizers.sh" \
    || echo "setup: Python package tokenizers not installed; the tokenizer.json parity tests will skip." >&2
fi
