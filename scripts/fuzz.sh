#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (swiftc -sanitize=fuzzer,address) and runs each in turn
# for N minutes, seeded from Fuzz/seeds/<target>/. See Fuzz/README.md.
#   scripts/fuzz.sh [--minutes N] [--keep-going] [--debug] [TARGET…]   (default: all, 3 minutes each)
#   scripts/fuzz.sh --list
# TARGET is the name without "fuzz-" (csv, lines, …). New inputs go to Fuzz/corpus/<target>/
# (git-ignored), crashes, hangs and OOMs to Fuzz/crashes/<target>/. --keep-going runs libFuzzer
# in fork mode, which carries on after a crash instead of stopping at the first.
set -euo pipefail

all_targets=(csv lines jsonl glove word2vec vocabulary-json manifest-json safetensors npy-header pipeline-file)
minutes=3
keep_going=0
configuration=release
targets=()
while (($# > 0)); do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --keep-going) keep_going=1; shift ;;
    --debug) configuration=debug; shift ;;
    --list) printf '%s\n' "${all_targets[@]}"; exit 0 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) targets+=("${1#fuzz-}"); shift ;;
  esac
done
((${#targets[@]} > 0)) || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "fuzz.sh: unknown target '$target' (see --list)" >&2; exit 2; }
done

root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/Fuzz"
flags=(-Xswiftc -sanitize=fuzzer,address)
[ "$configuration" = release ] && flags+=(-Xswiftc -O)
# ld.gold warns "Cannot export local symbol __asan_*" for every module; the warnings are harmless.
build() {
  swift build --package-path "$fuzz" -c "$configuration" "${flags[@]}" "$@" 2>&1 | grep -v "Cannot export local symbol" || true
  return "${PIPESTATUS[0]}"
}
if ((${#targets[@]} == ${#all_targets[@]})); then
  build
else
  for target in "${targets[@]}"; do build --product "fuzz-$target"; done
fi
bin="$(swift build --package-path "$fuzz" -c "$configuration" "${flags[@]}" --show-bin-path)"

# Leak checks off in every process (-detect_leaks=0 covers only libFuzzer's own check, not the
# fork-mode children's exit): the Swift runtime's and Foundation's caches read as leaks.
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
summary=()
for target in "${targets[@]}"; do
  corpus="$fuzz/corpus/$target" crashes="$fuzz/crashes/$target" seeds="$fuzz/seeds/$target"
  mkdir -p "$corpus" "$crashes" "$seeds"
  before=$(find "$crashes" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  log="$fuzz/corpus/$target.log"
  options=(-max_total_time=$((minutes * 60)) -rss_limit_mb=2048 -timeout=10 -detect_leaks=0
           -print_final_stats=1 -artifact_prefix="$crashes/")
  ((keep_going)) && options+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  echo "== fuzz-$target for $minutes min (log: ${log#"$root/"})"
  # The Swift runtime's backtracer would race ASan's report; libFuzzer prints the stack.
  TIMEFORMAT='%3U %3S'
  status=0
  { time SWIFT_BACKTRACE=enable=no "$bin/fuzz-$target" "${options[@]}" "$corpus" "$seeds" >"$log" 2>&1 || status=$?; } 2>"$log.time"
  read -r user system <"$log.time"
  cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.0f", u + s }')
  after=$(find "$crashes" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  # Executions: the last "#N" progress line (fork mode prints no final stats).
  runs=$(grep -oE '^#[0-9]+' "$log" | tr -d '#' | sort -n | tail -1 || true)
  line=$(printf '%-16s %6s CPU s %10s runs %3d new crashes (exit %d)' "$target" "$cpu" "$runs" $((after - before)) "$status")
  echo "$line"
  ((status == 0)) || grep -m 3 -E '^==[0-9]+==ERROR|^Fatal error|^.*: Fatal error|SUMMARY|Test unit written' "$log" || true
  summary+=("$line")
done
echo
echo "== summary"
printf '%s\n' "${summary[@]}"
