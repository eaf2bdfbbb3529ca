#!/usr/bin/env bash
# Installs the Python package Hugging Face `tokenizers`, which the tokenizer.json parity tests
# (HuggingFaceParityTests) use; they skip with a printed reason without it.
set -euo pipefail
if python3 -c "import tokenizers" 2>/dev/null; then exit 0; fi
python3 -m pip install --quiet tokenizers
