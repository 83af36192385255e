#!/bin/sh
# Writes NAME.raw (ngspice 39's binary raw file, `ngspice -b -r NAME.raw NAME.cir`) beside
# every netlist of this folder; tests/ngspice_compat.rs compares spinspice's vectors with
# them. Run it after adding a netlist (copied unchanged from ngspice's tests/ or examples/
# at the commit in ../NGSPICE_COMMIT, licence in NOTICE).
# Some netlists write files of their own (param_sweep.cir: dc-sweep.out); delete those.
set -eu
cd "$(dirname "$0")"
find . -name '*.cir' -o -name '*.sp' | while read -r f; do
  (cd "$(dirname "$f")" && b="$(basename "$f")" && ngspice -b -r "${b%.*}.raw" "$b" > /dev/null 2>&1)
done
