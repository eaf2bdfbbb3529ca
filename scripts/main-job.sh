#!/usr/bin/env bash
# The main job of README.md: installs what is missing, builds vae-pipeline in release mode, and
# runs the most complete pipeline that exists so far on a corpus shipped in corpora/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== building vae-pipeline (release)" >&2
swift build -c release --product vae-pipeline 2>&1 | grep -E "error|Build" >&2 || true
bin="$(swift build -c release --show-bin-path)/vae-pipeline"
[ -x "$bin" ] || { echo "main-job: the build failed; run 'swift build -c release' to see why." >&2; exit 1; }

echo "== inspect: the World English Bible sentences (gzip, one sentence per line)" >&2
"$bin" inspect corpora/web_sentences.txt.gz --samples 5
echo
echo "== inspect: a real CSV with quoted fields holding commas, two text columns" >&2
"$bin" inspect corpora/penguins_raw.csv --column Comments --column Species --samples 3
echo
echo "== inspect: tiny Shakespeare as one character stream (for character models)" >&2
"$bin" inspect corpora/tiny_shakespeare.txt.gz --format text --samples 1
echo
echo "== tokenize: the sentences at word level into NumPy shards (one streaming pass on every core)" >&2
"$bin" tokenize corpora/web_sentences.txt.gz --lowercase --max-vocab 12000 --max-length 40 --bos-eos \
  --out runs/web-sentences-tokens --overwrite
