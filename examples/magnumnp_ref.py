#!/usr/bin/env python3
"""Reference timing of magnum.np 2.2 (CPU PyTorch) on the problem of
examples/bench_micromag.rs, for the side-by-side speed comparison of issue 4.

Same mesh (256 x 64 x L cells of 2 x 2 x 0.8 nm, L = 1 and 5), same material (Ms 0.8 MA/m,
A 15 pJ/m, Ku 0.9 MJ/m^3 along z, interfacial D 1.5 mJ/m^2, alpha 0.15), same effects
(exchange, anisotropy, interfacial DMI, FFT demag, spin-orbit torque with theta_SH 0.1 and
J = 1e11 A/m^2 along x, i.e. p = z x j = +y, on a 0.8 nm layer; for L = 5 also RKKY
coupling J = 1e-4 J/m^2 between adjacent slabs) and the same initial state (a wall at
x = 150 nm). magnum.np's exchange term couples all z neighbours, whereas ours stops at layer
boundaries; that changes the physics of the 5-slab stack, not the cost of an evaluation.

Printed (median of several timed calls, float64, torch.set_num_threads(THREADS), default 2):
  field eval: sum of the field terms' h(state)        (ns per cell; field_cpu_ns: CPU time
              of all threads per evaluation over a batch)
  rhs eval:   LLGSolver.dm, field plus LLG cross products (ns per cell)
  RKF45 step: one trial step of magnum.np's RKF45 (6 rhs evaluations) (ns per cell)
as one JSON line per mesh on stdout, e.g. {"layers": 1, "field_ns": ..., ...}.

Run: python3 examples/magnumnp_ref.py [LAYERS ...]      (env THREADS=2, REPS=15)
"""

import json
import math
import os
import statistics
import sys
import time

import torch

THREADS = int(os.environ.get("THREADS", "2"))
REPS = int(os.environ.get("REPS", "15"))
torch.set_num_threads(THREADS)

import magnumnp as mn  # noqa: E402  (after the thread setting)


def median_time(f, reps):
    """Median wall time of `reps` calls of f (s)."""
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def cpu_time(f, reps):
    """Process CPU time (all threads) per call of f over a batch of `reps` calls (s): on a
    loaded machine this depends much less on the load than the wall time."""
    t0 = time.process_time()
    for _ in range(reps):
        f()
    return (time.process_time() - t0) / reps


def bench(layers):
    n = (256, 64, layers)
    dx = (2e-9, 2e-9, 0.8e-9)
    mesh = mn.Mesh(n, dx)
    state = mn.State(mesh)
    state.material = {
        "Ms": 0.8e6,
        "A": 1.5e-11,
        "Ku": 0.9e6,
        "Ku_axis": state.Constant([0.0, 0.0, 1.0]),
        "Di": 1.5e-3,
        "alpha": 0.15,
        "eta_damp": 0.1,
        "eta_field": 0.0,
        "p": state.Constant([0.0, 1.0, 0.0]),
        "je": 1e11,
        "d": 0.8e-9,
    }
    # A wall at x = 150 nm, up on the left (the Rust bench's initial state).
    x = (torch.arange(n[0], dtype=torch.float64) + 0.5) * dx[0]
    th = 2.0 * torch.atan(torch.exp((x - 150e-9) / 5.5e-9))
    m = torch.zeros(n + (3,))
    m[..., 0] = -torch.sin(th)[:, None, None]
    m[..., 2] = torch.cos(th)[:, None, None]
    state.m = m
    terms = [
        mn.ExchangeField(),
        mn.UniaxialAnisotropyField(),
        mn.InterfaceDMIField(),
        mn.DemagField(),
        mn.SpinOrbitTorque(),
    ]
    terms += [mn.RKKYField(1e-4, "z", k, k + 1) for k in range(layers - 1)]
    llg = mn.LLGSolver(terms)
    cells = math.prod(n)

    def field():
        return sum(term.h(state) for term in terms)

    def rhs():
        return llg.dm(state.t, state.m, state)

    solver = llg._solver
    solver._dt = 1e-13

    def rk_step():
        return solver._try_step(state.t, state.m, state=state)

    # Warm-up: torch.compile traces and compiles on the first calls.
    for _ in range(3):
        field()
        rhs()
    rk_step()
    res = {
        "layers": layers,
        "threads": THREADS,
        "torch": torch.__version__,
        "field_ns": median_time(field, REPS) / cells * 1e9,
        "field_cpu_ns": cpu_time(field, REPS) / cells * 1e9,
        "rhs_ns": median_time(rhs, REPS) / cells * 1e9,
        "rk_step_ns": median_time(rk_step, max(3, REPS // 3)) / cells * 1e9,
    }
    return res


def main():
    layers = [int(a) for a in sys.argv[1:]] or [1, 5]
    for nl in layers:
        print(json.dumps(bench(nl)), flush=True)


if __name__ == "__main__":
    main()
