#!/usr/bin/env bash
# Makes <name>.ngspice.raw for every netlist here with Debian's ngspice 39 (ASCII raw
# files; .noise writes two plots, the spectra and the integrated totals).
set -euo pipefail
cd "$(dirname "$0")"
for c in *.cir; do
    SPICE_ASCIIRAWFILE=1 ngspice -b -r "${c%.cir}.ngspice.raw" "$c" > /dev/null
done
# The values ngspice prints for the .control block of control_noise.sp (`name = value`).
ngspice -b control_noise.sp 2>&1 | grep -E '^[a-z0-9_#()]+(\[[0-9]+\])? += ' > control_noise.ngspice.print
