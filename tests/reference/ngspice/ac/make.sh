#!/usr/bin/env bash
# Makes rlc_ac.ngspice.raw with Debian's ngspice 39 (ASCII raw, complex data).
set -euo pipefail
cd "$(dirname "$0")"
{ sed '/^\.end$/d' rlc_ac.cir; printf '.control\nset filetype=ascii\nrun\nwrite rlc_ac.ngspice.raw\n.endc\n.end\n'; } > /tmp/rlc_ac_ng.cir
ngspice -b /tmp/rlc_ac_ng.cir
