#!/usr/bin/env python3
"""One peer, one case, timed: the Python side of `quench bench peers`.

Reads a JSON request (argv[1]) naming the peer and the case, runs it with the
peer's fastest public API, and prints one JSON object: the peer's version, the
samples (ms per gate, or ms per circuit) and an answer (probabilities of the
first basis states of a seeded test state) that Quench checks against its own.

Cases (the same definitions as Quench's side, src-main/bench/peers.ts):
  gate       one gate applied to a 2^n state again and again; ms per gate
  brickwork  20 layers of U3 on every qubit + CZ bricks; ms per layer
  gram       the fidelity kernel |<psi_i|psi_j>|^2 of given states (train x train
             and test x train), from a .npy of states written by Quench
"""
import json
import os
import sys
import time

import numpy as np

REQ = json.loads(sys.argv[1])
PEER, CASE = REQ["peer"], REQ["case"]
N = REQ.get("qubits", 0)
F64 = REQ.get("precision", "f64") == "f64"
THREADS = REQ.get("threads", 1)
REPEATS = REQ.get("repeats", 5)


def now_ms():
    return time.perf_counter() * 1e3


def version(dist):
    from importlib.metadata import version as v
    return v(dist)


# ---- the shared test state: RY(0.3 (q + 1)) then RZ(0.1 (q + 1)) on every qubit,
# so every amplitude differs and phases show.
RY_ANGLES = [0.3 * (q + 1) for q in range(N)]
ANGLES = [0.1 * (q + 1) for q in range(N)]
# The same random 2-qubit and 1-qubit unitaries Quench uses, passed in the request.
U1 = np.array(REQ.get("u1", [[1, 0], [0, 1]]), dtype=complex) if "u1" in REQ else None


def as_complex(m):
    a = np.asarray(m, dtype=float)
    return a[..., 0] + 1j * a[..., 1]


GATE = REQ.get("gate")
TARGETS = REQ.get("targets", [])
MATRIX = as_complex(REQ["matrix"]) if "matrix" in REQ else None


def answer_from(probs):
    return [float(x) for x in np.asarray(probs)[:8]]


def amplitudes_answer(amps):
    """The first 8 amplitudes (Quench's order) as [re, im, re, im, ...]."""
    a = np.asarray(amps)[:8]
    return [float(v) for z in a for v in (z.real, z.imag)]


# ------------------------------------------------------------------ qulacs
def run_qulacs():
    import qulacs
    from qulacs import QuantumCircuit, QuantumState
    from qulacs import gate as G

    def prepared():
        s = QuantumState(N)
        s.set_zero_state()
        c = QuantumCircuit(N)
        for q in range(N):
            c.add_RY_gate(q, -RY_ANGLES[q])  # qulacs: R(θ) = exp(+iθP/2), the opposite sign
            c.add_RZ_gate(q, -ANGLES[q])
        c.update_quantum_state(s)
        return s

    def gate_obj():
        a = TARGETS
        # Qulacs's target order: the first listed qubit is the least significant of the matrix.
        return {
            "h": lambda: G.H(a[0]),
            "x": lambda: G.X(a[0]),
            "z": lambda: G.Z(a[0]),
            "s": lambda: G.S(a[0]),
            "t": lambda: G.T(a[0]),
            "rz": lambda: G.RZ(a[0], -0.3),  # Quench rz(0.3)
            "cz": lambda: G.CZ(a[0], a[1]),
            "cx": lambda: G.CNOT(a[0], a[1]),
            "swap": lambda: G.SWAP(a[0], a[1]),
            "u1q": lambda: G.DenseMatrix(a[0], MATRIX),
            "u2q": lambda: G.DenseMatrix([a[0], a[1]], MATRIX),
        }[GATE]()

    if CASE == "gate":
        s = prepared()
        g = gate_obj()
        g.update_quantum_state(s)
        ans = amplitudes_answer(s.get_vector()[:8])
        samples = []
        for _ in range(REPEATS):
            t0 = now_ms()
            for _ in range(REQ["inner"]):
                g.update_quantum_state(s)
            samples.append((now_ms() - t0) / REQ["inner"])
        return version("qulacs"), samples, ans
    if CASE == "brickwork":
        c = QuantumCircuit(N)
        for layer in REQ["layers"]:
            for q, (th, ph, la) in enumerate(layer["u3"]):
                c.add_U3_gate(q, th, ph, la)
            for a, b in layer["cz"]:
                c.add_CZ_gate(a, b)
        s = QuantumState(N)
        samples = []
        for _ in range(REPEATS):
            s.set_zero_state()
            t0 = now_ms()
            c.update_quantum_state(s)
            samples.append((now_ms() - t0) / len(REQ["layers"]))
        return version("qulacs"), samples, answer_from(np.abs(s.get_vector()[:8]) ** 2)
    raise SystemExit(f"qulacs: no case {CASE}")


# ------------------------------------------------------------------ lightning
def run_lightning():
    from pennylane_lightning.lightning_qubit_ops import StateVectorC64, StateVectorC128

    # Lightning's wire 0 is the most significant bit; Quench's qubit 0 the least:
    # Quench's qubit q is Lightning's wire N-1-q.
    w = lambda q: N - 1 - q

    def prepared():
        sv = (StateVectorC128 if F64 else StateVectorC64)(N)
        for q in range(N):
            sv.RY([w(q)], False, [RY_ANGLES[q]])
            sv.RZ([w(q)], False, [ANGLES[q]])
        return sv

    def apply(sv):
        a = [w(q) for q in TARGETS]
        if GATE in ("u1q", "u2q"):
            # applyMatrix takes the matrix in Lightning's wire order: the first wire is the most significant.
            sv.applyMatrix(np.ascontiguousarray(MATRIX_LIGHTNING, dtype=np.complex128 if F64 else np.complex64), a, False)
            return
        name, params = {"h": ("Hadamard", []), "x": ("PauliX", []), "z": ("PauliZ", []), "s": ("S", []), "t": ("T", []), "rz": ("RZ", [0.3]), "cz": ("CZ", []), "cx": ("CNOT", []), "swap": ("SWAP", [])}[GATE]
        getattr(sv, name)(a, False, params)

    if CASE == "gate":
        sv = prepared()
        apply(sv)
        st = np.zeros(2**N, dtype=np.complex128 if F64 else np.complex64)
        sv.getState(st)
        # With Quench's qubit q on Lightning's wire N-1-q, the state indices coincide.
        ans = amplitudes_answer(st[:8])
        samples = []
        for _ in range(REPEATS):
            t0 = now_ms()
            for _ in range(REQ["inner"]):
                apply(sv)
            samples.append((now_ms() - t0) / REQ["inner"])
        return version("pennylane-lightning"), samples, ans
    raise SystemExit(f"lightning: no case {CASE}")


# ------------------------------------------------------------------ qsim
def run_qsim():
    import cirq
    import qsimcirq

    qs = cirq.LineQubit.range(N)

    def brickwork_circuit():
        ops = []
        for layer in REQ["layers"]:
            for q, (th, ph, la) in enumerate(layer["u3"]):
                ops.append(cirq.MatrixGate(u3(th, ph, la)).on(qs[q]))
            for a, b in layer["cz"]:
                ops.append(cirq.CZ(qs[a], qs[b]))
        return cirq.Circuit(ops)

    if CASE == "brickwork":
        c = brickwork_circuit()
        best = None
        version_ = version("qsimcirq")
        results = {}
        # qsim's best fusion for this circuit on this machine: each width measured.
        for f in REQ.get("fusions", [2, 3, 4]):
            sim = qsimcirq.QSimSimulator(qsimcirq.QSimOptions(max_fused_gate_size=f, cpu_threads=THREADS, use_gpu=False))
            sim.simulate(c)  # warm-up
            samples = []
            for _ in range(REPEATS):
                t0 = now_ms()
                r = sim.simulate(c)
                samples.append((now_ms() - t0) / len(REQ["layers"]))
            results[f] = samples
            if best is None or np.median(samples) < np.median(results[best]):
                best = f
        st = r.final_state_vector
        p = np.abs(st) ** 2
        # cirq's LineQubit(0) is the most significant bit.
        p = p.reshape([2] * N).transpose(list(range(N))[::-1]).reshape(-1)
        return version_, results[best], answer_from(p), {"fusion": best, "by_fusion": {str(k): float(np.median(v)) for k, v in results.items()}}
    raise SystemExit(f"qsim: no case {CASE}")


# ------------------------------------------------------------------ aer
def run_aer():
    from qiskit import QuantumCircuit, transpile
    from qiskit_aer import AerSimulator

    if CASE == "brickwork":
        c = QuantumCircuit(N)
        for layer in REQ["layers"]:
            for q, (th, ph, la) in enumerate(layer["u3"]):
                c.u(th, ph, la, q)
            for a, b in layer["cz"]:
                c.cz(a, b)
        c.save_probabilities()
        sim = AerSimulator(method="statevector", precision="double" if F64 else "single", max_parallel_threads=THREADS)
        tc = transpile(c, sim, optimization_level=0)
        sim.run(tc).result()
        samples = []
        for _ in range(REPEATS):
            t0 = now_ms()
            res = sim.run(tc).result()
            samples.append((now_ms() - t0) / len(REQ["layers"]))
        p = np.asarray(res.data(0)["probabilities"])
        return version("qiskit-aer"), samples, answer_from(p)
    raise SystemExit(f"aer: no case {CASE}")


# ------------------------------------------------------------------ numpy (the Gram product)
def run_numpy():
    if CASE == "gram":
        states = np.load(REQ["states"])  # (train + test) x 2^n complex
        ntr = REQ["train"]
        A, B = states[:ntr], states[ntr:]
        samples = []
        for _ in range(REPEATS):
            t0 = now_ms()
            K = np.abs(A.conj() @ A.T) ** 2
            Kx = np.abs(B.conj() @ A.T) ** 2
            samples.append(now_ms() - t0)
        return np.__version__, samples, [float(x) for x in K[0, :4]] + [float(x) for x in Kx[0, :4]]
    raise SystemExit(f"numpy: no case {CASE}")


def u3(th, ph, la):
    return np.array([[np.cos(th / 2), -np.exp(1j * la) * np.sin(th / 2)], [np.exp(1j * ph) * np.sin(th / 2), np.exp(1j * (ph + la)) * np.cos(th / 2)]])


# Lightning's applyMatrix wants the matrix for wires listed most significant first:
# Quench's matrices index targets[0] as the least significant bit, so reverse the order.
MATRIX_LIGHTNING = None
if MATRIX is not None:
    k = len(TARGETS)
    perm = [int(format(i, f"0{k}b")[::-1], 2) for i in range(2**k)]
    MATRIX_LIGHTNING = MATRIX[np.ix_(perm, perm)] if k > 1 else MATRIX

RUN = {"qulacs": run_qulacs, "lightning": run_lightning, "qsim": run_qsim, "aer": run_aer, "numpy": run_numpy}
out = RUN[PEER]()
extra = out[3] if len(out) > 3 else {}
print(json.dumps({"peer": PEER, "version": out[0], "samples_ms": out[1], "answer": out[2], "threads": THREADS, "extra": extra}))
