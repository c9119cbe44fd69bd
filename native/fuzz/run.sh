#!/usr/bin/env bash
# Builds the libFuzzer harness (native/fuzz/program_fuzzer.cc) with clang,
# ASan and UBSan into native/build-fuzz and fuzzes the core.
#
#   bash native/fuzz/run.sh            fuzz for QUENCH_FUZZ_SECONDS (default 300)
#   bash native/fuzz/run.sh --quick    a fixed budget for the tests: -runs=$QUENCH_FUZZ_RUNS
#                                      (default 3000, ~2-4 min on 1 core) -seed=1 over the
#                                      committed corpus (exit 1 on a failure)
#   bash native/fuzz/run.sh -- ARGS    extra libFuzzer arguments
#
# Environment: QUENCH_FUZZ_SECONDS (time budget), QUENCH_FUZZ_WORKERS (1 or 2:
# 2 runs libFuzzer's -fork=2 and keeps going after a failure), QUENCH_FUZZ_BUILD
# (build folder). Inputs that add coverage accumulate in BUILD/corpus-work (not
# committed); crash/timeout/slow/out-of-memory reproducers land in
# BUILD/artifacts and are copied into native/fuzz/corpus as regression-* files
# (rename them descriptively before committing). Where clang++ or libFuzzer is
# missing, it prints why and exits 0 (nothing to run).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
native=$(cd "$here/.." && pwd)
build=${QUENCH_FUZZ_BUILD:-$native/build-fuzz}
corpus=$here/corpus
seconds=${QUENCH_FUZZ_SECONDS:-300}
workers=${QUENCH_FUZZ_WORKERS:-1}
runs=${QUENCH_FUZZ_RUNS:-3000}
quick=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--quick] [-- libFuzzer args]" >&2; exit 2 ;;
  esac
  shift
done

skip() { echo "fuzz: skipped: $*"; exit 0; }
command -v clang++ >/dev/null || skip "clang++ not found (Debian: apt-get install clang libclang-rt-14-dev)"
command -v cmake >/dev/null || skip "cmake not found"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > "$probe/p.cc"
clang++ -fsanitize=fuzzer,address,undefined "$probe/p.cc" -o "$probe/p" 2>"$probe/err" ||
  skip "clang++ cannot link libFuzzer with ASan/UBSan (Debian: apt-get install libclang-rt-14-dev): $(head -c 300 "$probe/err")"

gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$native" -B "$build" "${gen[@]}" -DCMAKE_CXX_COMPILER=clang++ -DQUENCH_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j 2 --target program_fuzzer >"$build/build.log" 2>&1 ||
  { tail -40 "$build/build.log"; echo "fuzz: build failed (log: $build/build.log)"; exit 1; }
fuzzer=$build/program_fuzzer

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export OMP_WAIT_POLICY=passive
common=(-max_len=4096 -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 -report_slow_units=3
        -print_final_stats=1 -print_pcs=0)

if [ "$quick" = 1 ]; then
  work=$(mktemp -d)
  arts=$(mktemp -d)
  log=$(mktemp)
  trap 'rm -rf "$probe" "$work" "$arts" "$log"' EXIT
  set +e
  "$fuzzer" "${common[@]}" -runs="$runs" -seed=1 -max_total_time=900 -artifact_prefix="$arts/" \
    "${extra[@]}" "$work" "$corpus" >"$log" 2>&1
  rc=$?
  set -e
  stats=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  if [ $rc -ne 0 ]; then
    tail -60 "$log"
    echo "fuzz --quick: FAILED (exit $rc); reproducer(s): $(ls "$arts" 2>/dev/null | tr '\n' ' ')"
    mkdir -p "$build/artifacts" && cp -n "$arts"/* "$build/artifacts/" 2>/dev/null || true
    exit 1
  fi
  echo "fuzz --quick: ok: $runs runs (seed 1) over $(ls "$corpus" | wc -l) corpus inputs; last: ${stats:-?}"
  exit 0
fi

mkdir -p "$build/corpus-work" "$build/artifacts"
log=$build/fuzz-$(date +%Y%m%d-%H%M%S).log
before=$(ls "$build/artifacts" | sort)
mode=()
if [ "$workers" -ge 2 ]; then
  mode=(-fork="$workers" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
echo "fuzz: $fuzzer for ${seconds}s (${workers} worker(s)); log $log"
set +e
"$fuzzer" "${common[@]}" "${mode[@]}" -max_total_time="$seconds" -artifact_prefix="$build/artifacts/" \
  "${extra[@]}" "$build/corpus-work" "$corpus" >"$log" 2>&1
rc=$?
set -e
after=$(ls "$build/artifacts" | sort)
new=$(comm -13 <(echo "$before") <(echo "$after") | grep -v '^$' || true)
copied=()
for f in $new; do
  kind=${f%%-*}
  dest="$corpus/regression-$kind-${f#*-}"
  cp "$build/artifacts/$f" "$dest"
  copied+=("$(basename "$dest")")
  # what failed (with -fork the children's reports are not in the log)
  why=$("$fuzzer" -timeout=60 "$build/artifacts/$f" 2>&1 |
    grep -m1 -E 'oracle failed|ERROR: AddressSanitizer|runtime error|ERROR: libFuzzer|ERROR: LeakSanitizer' || true)
  echo "fuzz: $(basename "$dest"): ${why:-did not reproduce alone}"
done
# Summary: libFuzzer's last status line ("#N DONE cov: C ft: F corp: K/..." or,
# with -fork, "#N: cov: C ft: F corp: K exec/s ... oom/timeout/crash: a/b/c").
last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
execs=$(echo "$last" | sed -nE 's/^#([0-9]+).*/\1/p')
cov=$(echo "$last" | sed -nE 's/.*cov: ([0-9]+).*/\1/p')
ft=$(echo "$last" | sed -nE 's/.*ft: ([0-9]+).*/\1/p')
echo "fuzz: ${execs:-?} inputs in ${seconds}s, cov ${cov:-?}, ft ${ft:-?}, work corpus $(ls "$build/corpus-work" | wc -l)," \
  "crashes/timeouts/slow/oom: ${#copied[@]}${copied:+ (copied to native/fuzz/corpus: ${copied[*]})}, exit $rc"
[ ${#copied[@]} -eq 0 ] || exit 1
exit 0
