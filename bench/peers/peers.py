#!/usr/bin/env python3
"""One peer, one case, timed: the Python side of `quench bench peers`.

Reads a JSON request (on stdin, or as argv[1]) naming the peer and the case, runs it with the
peer's fastest public API, and prints one JSON object: the peer's version, the
samples (ms per gate, or ms per circuit) and an answer (probabilities of the
first basis states of a seeded test state) that Quench checks against its own.

Cases (the same definitions as Quench's side, src-main/bench/peers.ts):
  gate       one gate applied to a 2^n state again and again; ms per gate
  brickwork  20 layers of U3 on every qubit + CZ bricks; ms per layer
  gram       the fidelity kernel |<psi_i|psi_j>|^2 of given states (train x train
             and test x train), from a .npy of states written by Quench
  grad       energy + gradient of a parametrised circuit and a Pauli-sum observable
             (VQE, QAOA): the peer's engine called directly, or its user-facing
             API (PennyLane QNode, adjoint differentiation); ms per evaluation
  qnn        batched inference of a parametrised circuit, <Z_0> per sample; us per sample
  qsvm       the QSVM kernel matrix from data (qiskit-machine-learning's
             FidelityStatevectorKernel with Qiskit's ZZFeatureMap); ms
  cv         the CV generator in a truncated Fock basis (Strawberry Fields);
             us per sample at a batch size
"""
import json
import os
import sys
import time

import numpy as np

REQ = json.loads(sys.argv[1]) if len(sys.argv) > 1 else json.load(sys.stdin)
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

# ---- circuits passed by Quench: ops {g: gate, q: qubits, p: [number | {slot, scale, offset}]}
LIGHTNING_NAME = {"h": "Hadamard", "x": "PauliX", "y": "PauliY", "z": "PauliZ", "rx": "RX", "ry": "RY", "rz": "RZ",
                  "cx": "CNOT", "cz": "CZ", "rzz": "IsingZZ", "rxx": "IsingXX", "ryy": "IsingYY", "p": "PhaseShift", "swap": "SWAP"}


def angle(a, x):
    if isinstance(a, dict):
        return a.get("scale", 1.0) * x[a["slot"]] + a.get("offset", 0.0)
    return float(a)


def slot_of(a):
    return (a["slot"], a.get("scale", 1.0)) if isinstance(a, dict) else None


def pauli_terms():
    """The observable as (coeff, [(qubit, 'X'|'Y'|'Z'), ...]) and its constant part."""
    const, terms = 0.0, []
    for t in REQ["observable"]:
        if not t["paulis"]:
            const += t["coeff"]
        else:
            terms.append((t["coeff"], [(p["qubit"], p["op"]) for p in t["paulis"]]))
    return const, terms


def run_lightning_grad():
    """Energy + adjoint gradient with Lightning's C++ engine called directly (what its device does under PennyLane)."""
    import pennylane_lightning.lightning_qubit_ops as L
    from pennylane_lightning.lightning_qubit_ops import algorithms as A, observables as O
    SV, M, AJ, ops_list = (L.StateVectorC128, L.MeasurementsC128, A.AdjointJacobianC128, A.create_ops_listC128) if F64 else (L.StateVectorC64, L.MeasurementsC64, A.AdjointJacobianC64, A.create_ops_listC64)
    Ham, Named, Tensor = (O.HamiltonianC128, O.NamedObsC128, O.TensorProdObsC128) if F64 else (O.HamiltonianC64, O.NamedObsC64, O.TensorProdObsC64)
    w = lambda q: N - 1 - q
    circ = REQ["circuit"]
    x = np.asarray(REQ["params"], dtype=float)
    const, terms = pauli_terms()
    named = lambda q, op: Named("Pauli" + op, [w(q)])
    obs = Ham(np.array([c for c, _ in terms]), [Tensor([named(q, op) for q, op in ps]) if len(ps) > 1 else named(*ps[0]) for _, ps in terms])
    ops = circ["ops"]
    owners = [slot_of(a) for op in ops for a in op.get("p", [])]
    trainable = [i for i, o in enumerate(owners) if o is not None]

    adjoint_ms = []

    def once():
        sv = SV(N)
        sv.resetStateVector()
        names, pars, wires = [], [], []
        for op in ops:
            name, ws, ps = LIGHTNING_NAME[op["g"]], [w(q) for q in op["q"]], [angle(a, x) for a in op.get("p", [])]
            getattr(sv, name)(ws, False, ps)
            names.append(name), pars.append(ps), wires.append(ws)
        energy = M(sv).expval(obs) + const
        # Every operation goes back through the adjoint pass; the trainable ones are
        # numbered by their parameters (as PennyLane numbers a tape's parameters).
        k = len(names)
        ol = ops_list(names, pars, wires, [False] * k, [np.zeros(0, dtype=np.complex128 if F64 else np.complex64)] * k, [[]] * k, [[]] * k)
        t0 = now_ms()
        jac = np.asarray(AJ()(sv, [obs], ol, trainable)).reshape(-1)
        adjoint_ms.append(now_ms() - t0)
        grad = np.zeros(circ["numParams"])
        for j, i in enumerate(trainable):
            slot, scale = owners[i]
            grad[slot] += scale * jac[j]
        return energy, grad

    ver, samples, ans = timed_grad(version("pennylane-lightning"), once, once)
    # The strictest reading: Lightning's adjoint-Jacobian call alone (its forward pass and
    # expectation are Python-driven gate calls, counted in the samples above).
    return ver, samples, ans, {"adjoint_call_ms": float(np.median(adjoint_ms[2:]))}


def run_pennylane_grad():
    """Energy + gradient through PennyLane's user-facing API: a QNode on lightning.qubit with diff_method='adjoint'."""
    import pennylane as qml
    from pennylane import numpy as pnp
    dev = qml.device("lightning.qubit", wires=N, c_dtype=np.complex128 if F64 else np.complex64)
    w = lambda q: N - 1 - q
    const, terms = pauli_terms()
    P = {"X": qml.PauliX, "Y": qml.PauliY, "Z": qml.PauliZ}
    H = qml.Hamiltonian([c for c, _ in terms], [qml.prod(*[P[op](w(q)) for q, op in ps]) if len(ps) > 1 else P[ps[0][1]](w(ps[0][0])) for _, ps in terms])
    G = {"h": qml.Hadamard, "x": qml.PauliX, "y": qml.PauliY, "z": qml.PauliZ, "rx": qml.RX, "ry": qml.RY, "rz": qml.RZ, "cx": qml.CNOT,
         "cz": qml.CZ, "rzz": qml.IsingZZ, "rxx": qml.IsingXX, "ryy": qml.IsingYY, "p": qml.PhaseShift, "swap": qml.SWAP}
    ops = REQ["circuit"]["ops"]

    @qml.qnode(dev, diff_method="adjoint")
    def energy(x):
        for op in ops:
            ws = [w(q) for q in op["q"]]
            G[op["g"]](*[angle(a, x) for a in op.get("p", [])], wires=ws)
        return qml.expval(H)

    x = pnp.array(REQ["params"], requires_grad=True)
    vg = qml.grad(energy)

    # One call of the gradient runs the forward pass (the energy) and the adjoint pass.
    return timed_grad(version("pennylane"), lambda: (float(energy(x)) + const, np.asarray(vg(x))), lambda: vg(x))


def timed_grad(ver, answer, step):
    """answer() gives (energy, gradient) once; step() is what is timed: one energy + gradient."""
    e, g = answer()
    step()  # warm-up
    samples = []
    inner = REQ.get("inner", 1)
    for _ in range(REPEATS):
        t0 = now_ms()
        for _ in range(inner):
            step()
        samples.append((now_ms() - t0) / inner)
    return ver, samples, [float(e)] + [float(v) for v in g]



def qnn_rows():
    return np.asarray(REQ["rows"], dtype=float).reshape(REQ["batch"], -1)


def run_lightning_qnn():
    """<Z_0> per sample with Lightning's engine called directly: one state, gates applied per sample."""
    import pennylane_lightning.lightning_qubit_ops as L
    from pennylane_lightning.lightning_qubit_ops import observables as O
    SV, M, Named = (L.StateVectorC128, L.MeasurementsC128, O.NamedObsC128) if F64 else (L.StateVectorC64, L.MeasurementsC64, O.NamedObsC64)
    w = lambda q: N - 1 - q
    ops = [(LIGHTNING_NAME[op["g"]], [w(q) for q in op["q"]], op.get("p", [])) for op in REQ["circuit"]["ops"]]
    z0 = Named("PauliZ", [w(0)])
    rows = qnn_rows()
    sv = SV(N)

    def batch():
        out = np.empty(len(rows))
        for b, x in enumerate(rows):
            sv.resetStateVector()
            for name, ws, ps in ops:
                getattr(sv, name)(ws, False, [angle(a, x) for a in ps])
            out[b] = M(sv).expval(z0)
        return out

    return timed_batch(version("pennylane-lightning"), batch, len(rows))


def run_pennylane_qnn():
    """<Z_0> per sample through a PennyLane QNode on lightning.qubit, the batch as broadcast parameters."""
    import pennylane as qml
    dev = qml.device("lightning.qubit", wires=N, c_dtype=np.complex128 if F64 else np.complex64)
    w = lambda q: N - 1 - q
    G = {"ry": qml.RY, "rz": qml.RZ, "rx": qml.RX, "cx": qml.CNOT, "cz": qml.CZ, "h": qml.Hadamard}
    ops = REQ["circuit"]["ops"]

    @qml.qnode(dev, diff_method=None)
    def f(x):
        for op in ops:
            G[op["g"]](*[angle(a, x) for a in op.get("p", [])], wires=[w(q) for q in op["q"]])
        return qml.expval(qml.PauliZ(w(0)))

    rows = qnn_rows()
    xt = rows.T.copy()  # parameter broadcasting: each angle is a vector over the batch
    return timed_batch(version("pennylane"), lambda: np.asarray(f(xt)).reshape(-1), len(rows))


def timed_batch(ver, batch, size):
    """us per sample over the batch."""
    ans = batch()
    samples = []
    for _ in range(REPEATS):
        t0 = now_ms()
        batch()
        samples.append((now_ms() - t0) * 1e3 / size)
    return ver, samples, [float(v) for v in np.asarray(ans)[:8]]


def run_qiskit_ml_qsvm():
    """The QSVM kernel with qiskit-machine-learning: FidelityStatevectorKernel over Qiskit's ZZFeatureMap."""
    import warnings
    warnings.filterwarnings("ignore")
    from qiskit.circuit.library import ZZFeatureMap
    from qiskit_machine_learning.kernels import FidelityStatevectorKernel
    X = np.asarray(REQ["features"], dtype=float).reshape(-1, REQ["numFeatures"])
    ntr = REQ["train"]
    xtr, xte = X[:ntr], X[ntr:]
    fm = ZZFeatureMap(REQ["numFeatures"], reps=REQ["reps"], entanglement=REQ["entanglement"])
    kernel = FidelityStatevectorKernel(feature_map=fm)
    K = kernel.evaluate(xtr)
    Kx = kernel.evaluate(xte, xtr)
    samples = []
    for _ in range(REPEATS):
        kernel = FidelityStatevectorKernel(feature_map=fm)  # no statevector cache carried between repeats
        t0 = now_ms()
        kernel.evaluate(xtr)
        kernel.evaluate(xte, xtr)
        samples.append(now_ms() - t0)
    return version("qiskit-machine-learning"), samples, [float(v) for v in K[0, :4]] + [float(v) for v in Kx[0, :4]]



def run_strawberryfields_cv():
    """The CV generator in Strawberry Fields: its Fock backend (NumPy; one sample per run) and its
    TensorFlow backend (batch_size samples per run), the same gates as Quench's, symbolic
    parameters bound per run; <x> per mode (hbar = 2) of the un-normalised truncated state."""
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import warnings
    warnings.filterwarnings("ignore")
    import strawberryfields as sf
    from strawberryfields import ops
    circ = REQ["cv"]
    M, D, B = circ["modes"], circ["cutoff"], REQ["batch"]
    rows = np.asarray(REQ["rows"], dtype=float).reshape(B, -1)
    backend = REQ["backend"]  # "fock" or "tf"
    prog = sf.Program(M)
    free = [prog.params(f"p{i}") for i in range(circ["numParams"])]

    def val(a):
        if isinstance(a, dict):
            return a.get("scale", 1.0) * free[a["slot"]] + a.get("value", 0.0) if "slot" in a else a.get("value", 0.0)
        return float(a or 0.0)

    with prog.context as q:
        for g in circ["gates"]:
            k, m = g["kind"], g["mode0"]
            a, bb = val(g.get("a", 0.0)), val(g.get("b", 0.0))
            if k == "Displacement":
                ops.Dgate(a, bb) | q[m]
            elif k == "Squeezing":
                ops.Sgate(a, bb) | q[m]
            elif k == "Rotation":
                ops.Rgate(a) | q[m]
            elif k == "Kerr":
                ops.Kgate(a) | q[m]
            elif k == "Beamsplitter":
                ops.BSgate(a, bb) | (q[m], q[g["mode1"]])
    if backend == "fock":
        eng = sf.Engine("fock", backend_options={"cutoff_dim": D})

        def one(x):
            if eng.run_progs:
                eng.reset()
            st = eng.run(prog, args={f"p{i}": float(v) for i, v in enumerate(x)}).state
            return [float(st.quad_expectation(m)[0]) for m in range(M)]

        def batch():
            return [one(x) for x in rows]
    else:
        import tensorflow as tf
        eng = sf.Engine("tf", backend_options={"cutoff_dim": D, "batch_size": B if B > 1 else None})

        def batch():
            if eng.run_progs:
                eng.reset()
            args = {f"p{i}": tf.constant(rows[:, i] if B > 1 else rows[0, i]) for i in range(rows.shape[1])}
            st = eng.run(prog, args=args).state
            xs = [np.asarray(st.quad_expectation(m)[0]).reshape(-1) for m in range(M)]
            return [[float(xs[m][b]) for m in range(M)] for b in range(B)]

    first = batch()
    samples = []
    for _ in range(REPEATS):
        t0 = now_ms()
        batch()
        samples.append((now_ms() - t0) * 1e3 / B)
    return version("strawberryfields"), samples, [v for r in first[:2] for v in r], {"backend": backend}


RUN = {"qulacs": run_qulacs, "lightning": run_lightning, "qsim": run_qsim, "aer": run_aer, "numpy": run_numpy}
BY_CASE = {
    ("lightning", "grad"): run_lightning_grad,
    ("pennylane", "grad"): run_pennylane_grad,
    ("lightning", "qnn"): run_lightning_qnn,
    ("pennylane", "qnn"): run_pennylane_qnn,
    ("qiskit-ml", "qsvm"): run_qiskit_ml_qsvm,
    ("strawberryfields", "cv"): run_strawberryfields_cv,
}
out = BY_CASE[(PEER, CASE)]() if (PEER, CASE) in BY_CASE else RUN[PEER]()
extra = out[3] if len(out) > 3 else {}
print(json.dumps({"peer": PEER, "version": out[0], "samples_ms": out[1], "answer": out[2], "threads": THREADS, "extra": extra}))
