#!/usr/bin/env bash
# Make the small real data subsets the tests use: the first 1000 training and 500 test
# images (and labels) of MNIST and of Fashion-MNIST, as gzipped IDX files (gzip mtime 0,
# so the output is reproducible byte for byte).
#
# Usage: tests/data/make_subsets.sh [MNIST_DIR] [FASHION_DIR]
#   MNIST_DIR   default data/mnist (fetch it first: `spinspice data mnist --dest data/mnist`)
#   FASHION_DIR default /usr/share/datasets/fashion-mnist (`apt-get install -y dataset-fashion-mnist`)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mnist=${1:-data/mnist}
fashion=${2:-/usr/share/datasets/fashion-mnist}
python3 - "$mnist" "$fashion" "$here" <<'PY'
import gzip, os, struct, sys
mnist, fashion, here = sys.argv[1:4]
N = {"train": 1000, "t10k": 500}
def find(d, stem, kind):
    for name in (f"{stem}-{kind}-ubyte", f"{stem}.{kind}-ubyte"):
        for ext in ("", ".gz"):
            p = os.path.join(d, name + ext)
            if os.path.isfile(p):
                return p
    sys.exit(f"make_subsets: no {stem}-{kind}-ubyte[.gz] in {d}")
def read(p):
    with open(p, "rb") as f:
        b = f.read()
    return gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b
for name, src in (("mnist", mnist), ("fashion", fashion)):
    out = os.path.join(here, name)
    os.makedirs(out, exist_ok=True)
    for stem, n in N.items():
        img = read(find(src, stem, "images-idx3"))
        lab = read(find(src, stem, "labels-idx1"))
        magic, count, rows, cols = struct.unpack(">IIII", img[:16])
        assert magic == 2051 and struct.unpack(">II", lab[:8])[0] == 2049
        img2 = struct.pack(">IIII", 2051, n, rows, cols) + img[16:16 + n * rows * cols]
        lab2 = struct.pack(">II", 2049, n) + lab[8:8 + n]
        for fname, data in ((f"{stem}-images-idx3-ubyte.gz", img2), (f"{stem}-labels-idx1-ubyte.gz", lab2)):
            with open(os.path.join(out, fname), "wb") as f:
                f.write(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{name}: wrote {out} ({N['train']} train + {N['t10k']} test images)")
PY
