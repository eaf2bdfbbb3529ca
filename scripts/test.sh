#!/usr/bin/env bash
# The test command of README.md (and of .ci/run): installs what is missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh tests
swift build --build-tests 2>&1 | grep -E "error|warning: unre|Compiling|Build" | grep -v "^\[" || true
swift test --skip-build 2>&1
bash scripts/test-kernel-paths.sh
