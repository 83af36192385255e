#!/usr/bin/env bash
# The ngspice compatibility suite: runs every netlist in ngspice's own examples/ and tests/
# through ngspice 39 (Debian's, in batch mode) and through spinspice, then compares every
# vector ngspice writes (examples/ngspice_suite.rs) and prints ran / matched / why not.
#
#   tests/compat/ngspice-suite.sh [NGSPICE_SRC] [OUT]
#
# NGSPICE_SRC: a checkout of ngspice (the public mirror https://github.com/imr/ngspice at
# the commit in tests/compat/NGSPICE_COMMIT); cloned into target/ngspice-suite/src when not
# given and not there. OUT (default target/ngspice-suite): scratch copies of the tree, the
# raw files and logs of both tools, ngspice.tsv, spinspice.tsv, and table.csv.
# Not part of `cargo test`: it needs the ngspice sources and takes ~30 CPU-minutes (ngspice's
# own numerical-device and benchmark circuits run into the timeout). Knobs:
# SUITE_TIMEOUT (s per netlist and tool, default 30), SUITE_JOBS, SUITE_PROFILE=dev,
# SUITE_SKIP_NGSPICE=1 (reuse OUT/ngspice.tsv and its raw files), SUITE_LIST=1 (one line
# per netlist).
# Needs: ngspice (apt-get install -y ngspice), GNU parallel, timeout (coreutils).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${2:-$ROOT/target/ngspice-suite}"
SRC="${1:-$OUT/src}"
COMMIT="$(cat "$ROOT/tests/compat/NGSPICE_COMMIT")"
TIMEOUT="${SUITE_TIMEOUT:-30}"
JOBS="${SUITE_JOBS:-$(nproc)}"

for t in ngspice parallel timeout; do
  command -v "$t" >/dev/null || { echo "ngspice-suite: error: $t is not on PATH" >&2; exit 1; }
done
if [ ! -d "$SRC/examples" ]; then
  echo "ngspice-suite: cloning imr/ngspice at $COMMIT into $SRC" >&2
  git clone -q https://github.com/imr/ngspice "$SRC"
  git -C "$SRC" checkout -q "$COMMIT"
fi
mkdir -p "$OUT"
# SUITE_PROFILE=dev uses the (already built) dev profile instead of release.
PROFILE="${SUITE_PROFILE:-release}"
cargo build --profile "$PROFILE" --quiet --manifest-path "$ROOT/Cargo.toml" --bin spinspice --example ngspice_suite
BIN="$ROOT/target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")"
SPINSPICE="$BIN/spinspice"

# Fresh copies of examples/ and tests/ for each tool: netlists write files beside themselves.
SKIP_NG=0
if [ "${SUITE_SKIP_NGSPICE:-0}" = 1 ] && [ -s "$OUT/ngspice.tsv" ]; then SKIP_NG=1; fi
for tool in ngspice spinspice; do
  if [ "$tool" = ngspice ] && [ "$SKIP_NG" = 1 ]; then continue; fi
  rm -rf "$OUT/$tool"
  mkdir -p "$OUT/$tool"
  (cd "$SRC" && tar -cf - examples tests) | tar -xf - -C "$OUT/$tool"
done

# Candidates: every file with a netlist extension.
(cd "$OUT/ngspice" && find examples tests -type f \
  \( -iname '*.cir' -o -iname '*.sp' -o -iname '*.net' -o -iname '*.deck' \
     -o -iname '*.spice' -o -iname '*.ckt' -o -iname '*.spi' \) | LC_ALL=C sort) \
  > "$OUT/candidates.txt"
echo "ngspice-suite: $(wc -l < "$OUT/candidates.txt") candidate netlists" >&2

# One run: cd into the netlist's folder (includes are relative), batch mode, raw file out.
# Prints: path <TAB> exit status <TAB> milliseconds.
run_one() {
  local tool="$1" exe="$2" timeout="$3" rel="$4"
  local dir base t0 rc
  dir="$(dirname "$rel")"; base="$(basename "$rel")"
  t0=$(date +%s%N)
  rc=0
  (cd "$OUT/$tool/$dir" && timeout -k 5 "$timeout" "$exe" -b -r "$base.$tool.raw" "$base" \
      > "$base.$tool.log" 2>&1 < /dev/null) || rc=$?
  printf '%s\t%s\t%d\n' "$rel" "$rc" $(( ($(date +%s%N) - t0) / 1000000 ))
}
export -f run_one
export OUT

if [ "$SKIP_NG" = 0 ]; then
  parallel -j "$JOBS" --keep-order run_one ngspice ngspice "$TIMEOUT" :::: "$OUT/candidates.txt" \
    > "$OUT/ngspice.tsv"
fi
# spinspice runs what ngspice ran (the suite); the rest is not part of it.
awk -F'\t' '$2 == 0 { print $1 }' "$OUT/ngspice.tsv" > "$OUT/suite.txt"
echo "ngspice-suite: ngspice 39 ran $(wc -l < "$OUT/suite.txt") of them" >&2
parallel -j "$JOBS" --keep-order run_one spinspice "$SPINSPICE" "$TIMEOUT" :::: "$OUT/suite.txt" \
  > "$OUT/spinspice.tsv"
"$BIN/examples/ngspice_suite" "$OUT" "${SUITE_LIST:+--list}"
