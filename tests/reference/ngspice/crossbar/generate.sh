#!/bin/sh
# Regenerates the crossbar reference netlists (cargo example crossbar_refs, spinspice's own
# netlist generator) and simulates them with ngspice into <name>.csv, using the CSV
# conversion of ../generate.sh (run from a temporary copy placed in this directory).
set -eu
cd "$(dirname "$0")"
cargo run --quiet --no-default-features --example crossbar_refs
cp ../generate.sh ./.generate.sh
trap 'rm -f ./.generate.sh' EXIT
sh ./.generate.sh *.cir
