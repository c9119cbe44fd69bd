#!/usr/bin/env python3
"""Writes the seed inputs of native/fuzz/corpus (seed-*). The byte layout is
program_fuzzer.cc's decode(): header, parameters, observable, amplitudes,
gates. Rerunning it rewrites the same files (fixed random seed)."""
import os
import random
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'corpus')
rng = random.Random(7)


def header(n_byte, np_byte, ngates, flags=0, fusion=3, cb=0, mseed=0x1234, sseed=0x4321):
    return bytes([n_byte, np_byte, ngates, flags, fusion, cb]) + struct.pack('<HH', mseed, sseed)


def n_byte(n):
    big = {0: 0, 11: 1, 12: 2, 13: 3, 14: 4, 15: 5, 16: 6, 41: 7}
    return 0xf0 | big[n] if n in big else (n - 1)


def params(vals):  # flags & 1 == 0: one byte each, value (b - 128) / 32
    return bytes([max(0, min(255, int(round(v * 32 + 128)))) for v in vals])


def obs(terms):  # [(coeff_index 0..7, x, z)]
    b = bytes([len(terms)])
    for ci, x, z in terms:
        b += bytes([ci]) + struct.pack('<HH', x, z)
    return b


def gate(gtype, mode=0, nctl=0, raw=False, k=1, seed=None, extra=b'', slot=0, xb=0):
    kind = gtype | (mode << 2) | (nctl << 5) | (0x80 if raw else 0)
    seed = rng.randrange(65536) if seed is None else seed
    b = bytes([kind, k - 1]) + struct.pack('<H', seed)
    if gtype in (1, 3):  # diagonals read the number of distinct values
        b += struct.pack('<H', rng.randrange(300))
    b += extra
    if gtype >= 2:
        b += bytes([slot, xb])
    return b


def random_valid_gate(n, np_):
    t = rng.randrange(4) if np_ else rng.randrange(2)
    mode = rng.choice([0, 1, 5, 6]) if t in (0, 2) else rng.choice([0, 1, 5, 6])
    if t == 1 and mode == 6:
        mode = 0
    maxk = min(n, 6) if t in (0, 2) else min(n, 12)
    k = rng.randrange(1, min(maxk, 3) + 1)
    nctl = rng.randrange(0, 3) if n > k + 1 else 0
    return gate(t, mode, nctl, k=k, slot=rng.randrange(max(np_, 1)), xb=rng.randrange(64))


def write(name, data):
    with open(os.path.join(out, 'seed-' + name), 'wb') as f:
        f.write(data)


os.makedirs(out, exist_ok=True)
# 1. two qubits, fixed library gates, fused
write('2q-fixed', header(n_byte(2), 0, 4, fusion=2) + obs([(0, 0, 1)]) +
      gate(0, 0, k=1) + gate(0, 0, nctl=1, k=1) + gate(0, 1, k=2) + gate(1, 5, k=2))
# 2. five qubits, parameterised dense and diagonal gates, controls
g = b''.join(random_valid_gate(5, 3) for _ in range(12))
write('5q-params', header(n_byte(5), 3, 12, fusion=4) + params([0.3, -1.1, 2.0]) +
      obs([(0, 0b11, 0), (2, 0, 0b101), (1, 0b10, 0b10)]) + g)
# 3. ten qubits, 40 random valid gates
g = b''.join(random_valid_gate(10, 4) for _ in range(40))
write('10q-mixed', header(n_byte(10), 4, 40, fusion=5, cb=7) + params([0.5, 1.5, -2, 0.1]) +
      obs([(0, 1, 0), (3, 0, 0x200), (4, 0x3ff, 0x155)]) + g)
# 4. twelve qubits: large diagonals (indexed: few distinct values), fixed and parameterised
write('12q-indexed-diagonals', header(n_byte(12), 2, 4, fusion=6) + params([0.7, -0.4]) + obs([(0, 0, 0xfff)]) +
      gate(1, 0, k=12) + gate(3, 0, k=11, slot=1) + gate(3, 2, k=10, slot=0) + gate(0, 1, k=2))
# 5. fourteen and sixteen qubits: tiled execution, threads
for n in (14, 16):
    g = b''.join(gate(rng.choice([0, 2]), rng.choice([0, 1]), k=rng.randrange(1, 4),
                      nctl=rng.randrange(2), xb=rng.randrange(64)) for _ in range(8))
    write('%dq-tiled' % n, header(n_byte(n), 1, 8, fusion=3) + params([0.9]) + obs([(0, 0, 1 << (n - 1))]) + g)
# 6. invalid circuits
write('invalid-raw-qubits', header(n_byte(4), 0, 2) + obs([]) +
      gate(0, 1, raw=True, k=2, extra=b'') + b'\x03\x03' + gate(0, 1, k=1))
write('invalid-nan-matrix', header(n_byte(3), 0, 1) + obs([]) + gate(0, 3, k=1) +
      bytes([1, 14, 1, 15, 1, 16, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]))
write('invalid-nonunitary', header(n_byte(3), 0, 1) + obs([]) + gate(0, 2, k=2, extra=bytes([3])))
write('invalid-generator', header(n_byte(3), 1, 1) + params([0.2]) + obs([]) + gate(2, 6, k=2))
write('invalid-wrong-size', header(n_byte(3), 1, 2) + params([0.2]) + obs([]) +
      gate(3, 4, k=2, extra=bytes([1])) + gate(0, 4, k=1, extra=bytes([2])))
write('invalid-slot', header(n_byte(3), 1, 1) + params([0.2]) + obs([]) + gate(2, 0, k=1, slot=0x85))
write('invalid-41-qubits', header(n_byte(41), 0, 1) + obs([]) + gate(0, 0, k=1))
write('empty-0-qubits', header(n_byte(0), 0, 0) + obs([]))
write('invalid-observable', header(n_byte(3), 0, 1, flags=2) + obs([(0x80 | 14, 1, 0)]) + gate(0, 1, k=1))
# 7. non-finite parameters
write('nonfinite-params', header(n_byte(2), 1, 1, flags=1) + bytes([1, 15]) + obs([(0, 1, 0)]) + gate(2, 0, k=1))
# 8. set_amplitudes / collapse with tiny amplitudes
write('amplitudes-small-outcome', header(n_byte(4), 0, 0, flags=4, cb=0b011) + obs([]) + struct.pack('<H', 99) +
      bytes([8 | 16 | 1]) + struct.pack('<H', 3) + bytes([30]) + struct.pack('<H', 5) + bytes([28]) +
      struct.pack('<H', 9) + bytes([5]))
