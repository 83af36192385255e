#!/bin/sh
# Runs every reference netlist here through ngspice in batch mode and writes <name>.csv
# beside it: header `time,v(out),...` (the scale first; ngspice's own vector names), one
# row per ngspice output point, 16 significant digits (ngspice's ASCII raw precision).
#
# The netlists stay plain SPICE (no .control block) so that spinspice reads them
# unchanged; this script appends the .control block to a temporary copy:
#   set filetype=ascii / run / write <tmp>.raw
# and converts the ASCII raw file to CSV with awk. DC sweeps: ngspice names the scale
# `v(v-sweep)` in raw files; the CSV calls it `v-sweep` (its interactive name).
#
# Usage: tests/reference/ngspice/generate.sh [name.cir ...]   (default: every *.cir)
set -eu
cd "$(dirname "$0")"
command -v ngspice >/dev/null || { echo "ngspice is not installed (apt-get install ngspice)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- *.cir
for cir in "$@"; do
    name=$(basename "$cir" .cir)
    # Everything but the final .end, then the control block.
    grep -iv '^[[:space:]]*\.end[[:space:]]*$' "$cir" > "$tmp/$name.cir"
    cat >> "$tmp/$name.cir" <<CTRL
.control
set filetype=ascii
run
write $tmp/$name.raw
.endc
.end
CTRL
    # ngspice -b exits with status 1 even on success when a .control block ran, so the
    # raw file and the log decide.
    ngspice -b "$tmp/$name.cir" > "$tmp/$name.log" 2>&1 || true
    if [ ! -s "$tmp/$name.raw" ]; then
        echo "ngspice failed on $cir:" >&2
        cat "$tmp/$name.log" >&2
        exit 1
    fi
    if grep -qi 'error' "$tmp/$name.log"; then
        echo "ngspice reported an error on $cir:" >&2
        grep -i 'error' "$tmp/$name.log" >&2
        exit 1
    fi
    awk '
        /^No\. Variables:/ { nvars = $3 }
        /^Plotname:/ { nplots++; if (nplots > 1) { print "more than one plot" > "/dev/stderr"; exit 1 } }
        /^Variables:/ { invars = 1; k = 0; next }
        invars && k < nvars {
            name = $2
            if (name == "v(v-sweep)") name = "v-sweep"
            if (name == "i(i-sweep)") name = "i-sweep"
            header = (k == 0) ? name : header "," name
            k++
            if (k == nvars) { invars = 0; print header }
            next
        }
        /^Values:/ { invalues = 1; col = -1; next }
        invalues {
            for (f = 1; f <= NF; f++) {
                if (col < 0) { col = 0; continue }       # point index
                row = (col == 0) ? $f : row "," $f
                col++
                if (col == nvars) { print row; col = -1 }
            }
        }
    ' "$tmp/$name.raw" > "$tmp/$name.csv"
    mv "$tmp/$name.csv" "$name.csv"
    echo "$name.csv: $(($(wc -l < "$name.csv") - 1)) points, $(head -1 "$name.csv" | tr ',' '\n' | wc -l) columns"
done
