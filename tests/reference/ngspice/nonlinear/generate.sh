#!/bin/sh
# Regenerate the ngspice reference CSVs of the nonlinear device checks.
# Usage: tests/reference/ngspice/nonlinear/generate.sh   (needs `ngspice` on PATH; made with
# Debian's ngspice-39). Each NAME.cir is run unchanged in batch mode with a control block
# appended that writes the listed vectors; the result is NAME.csv (header: scale name, then
# the vectors in ngspice's lower-case names; 12 significant digits).
set -eu
cd "$(dirname "$0")"
run() {
    name=$1; shift
    tmp=$(mktemp -d)
    # The netlist without its .end, plus the control block, in this directory so that the
    # relative .include paths resolve.
    sed '/^\.end *$/d' "$name.cir" > "_$name.cir"
    {
        echo ".control"
        echo "set wr_singlescale"
        echo "set wr_vecnames"
        echo "option numdgt=12"
        echo "run"
        echo "wrdata $tmp/out.txt $*"
        echo ".endc"
        echo ".end"
    } >> "_$name.cir"
    # ngspice -b exits 1 when the netlist has no .print line even though the control
    # block ran: judge by the output file instead.
    ngspice -b "_$name.cir" > "$tmp/log.txt" 2>&1 || true
    [ -s "$tmp/out.txt" ] || { cat "$tmp/log.txt"; exit 1; }
    rm -f "_$name.cir"
    awk 'NR == 1 { $1 = $1; gsub(/ /, ","); print tolower($0); next }
         { out = ""; for (i = 1; i <= NF; i++) out = out (i > 1 ? "," : "") sprintf("%.12e", $i); print out }' \
        "$tmp/out.txt" > "$name.csv"
    rm -rf "$tmp"
    echo "$name.csv: $(wc -l < "$name.csv") lines"
}
run rectifier 'v(in)' 'v(out)'
run inverter_dc 'v(out)'
run inverter_chain 'v(in)' 'v(n1)' 'v(n2)' 'v(n3)' 'v(n4)' 'v(n5)'
run diffcomp 'v(in)' 'v(out)'
run switch_hys 'v(c)' 'v(out)'
run bsource 'v(a)' 'v(b)' 'v(c)'
run neuron 'v(mem)' 'v(sense)' 'v(spike)'
