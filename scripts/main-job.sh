#!/usr/bin/env bash
# The main job of README.md: installs what is missing, builds vae-pipeline in release mode, and
# trains the sentence VAE on the shipped World English Bible sentences, streamed from the gzip
# file every epoch (pipelines/web-sentences.yaml: a few minutes on 2 cores). Then it uses the
# trained model: samples from the prior, reconstructions and an interpolation.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== building vae-pipeline (release)" >&2
swift build -c release --product vae-pipeline 2>&1 | grep -E "error|Build" >&2 || true
bin="$(swift build -c release --show-bin-path)/vae-pipeline"
[ -x "$bin" ] || { echo "main-job: the build failed; run 'swift build -c release' to see why." >&2; exit 1; }

echo "== train: sentence VAE on corpora/web_sentences.txt.gz (pipelines/web-sentences.yaml)" >&2
"$bin" train --stream pipelines/web-sentences.yaml --overwrite
run=runs/web-sentences

echo
echo "== sample: five sentences from the prior (temperature 0.8, top-k 20)" >&2
"$bin" sample "$run" --count 5 --decoding sample --temperature 0.8 --top-k 20 --seed 11
echo
echo "== reconstruct: sentences through the encoder (posterior mean) and back" >&2
"$bin" reconstruct "$run" "God saw the light, and saw that it was good." "The people went out to the river." --decoding beam
echo
echo "== interpolate: between two sentences in latent space" >&2
"$bin" interpolate "$run" "He went up to the mountain." "They ate bread and drank wine." --steps 6
echo
echo "Open $run/report.html for the curves, the latent space and more samples." >&2
