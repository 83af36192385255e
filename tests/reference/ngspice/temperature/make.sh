#!/usr/bin/env bash
# Makes devices_<T>.ngspice.raw for T in -40 27 125 (devices.cir.in with `.options temp=T`)
# and devices_tnom50.ngspice.raw (the same cards with tnom=50 at 125 C), with Debian's
# ngspice 39, ASCII raw files. The generated netlists are committed beside their raw files.
set -euo pipefail
cd "$(dirname "$0")"
for t in -40 27 125; do
    name="devices_${t/-/m}"
    { cat devices.cir.in; printf '.options temp=%s\n.end\n' "$t"; } > "$name.cir"
    SPICE_ASCIIRAWFILE=1 ngspice -b -r "$name.ngspice.raw" "$name.cir" > /dev/null
done
{ sed 's/^\.model dmod d /.model dmod d tnom=50 /; s/^\.model nch nmos /.model nch nmos tnom=50 /; s/^\.model pch pmos /.model pch pmos tnom=50 /' devices.cir.in
  printf '.options temp=125\n.end\n'; } > devices_tnom50.cir
SPICE_ASCIIRAWFILE=1 ngspice -b -r devices_tnom50.ngspice.raw devices_tnom50.cir > /dev/null
