// The peer harness's own parts that need no Python: the .npy it hands NumPy,
// and the peers' pinned packages (the benchmark itself installs from PyPI and
// lives in `quench bench peers`, not in tests).
import { describe, expect, it } from 'vitest';
import { npyComplex, PEER_PACKAGES } from '../../src-main/bench/peers';

describe('bench peers', () => {
  it('writes complex128 matrices as NumPy .npy 1.0: magic, a 64-byte aligned header, the data as is', () => {
    const data = Float64Array.from({ length: 2 * 3 * 4 }, (_, i) => i / 7);
    const b = npyComplex(data, 3, 4);
    expect(b.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    expect([b[6], b[7]]).toEqual([1, 0]);
    const headerLen = b.readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    const header = b.subarray(10, 10 + headerLen).toString('latin1');
    expect(header).toMatch(/^\{'descr': '<c16', 'fortran_order': False, 'shape': \(3, 4\), \} *\n$/);
    const back = new Float64Array(b.buffer.slice(b.byteOffset + 10 + headerLen, b.byteOffset + b.length));
    expect(Array.from(back)).toEqual(Array.from(data));
  });
  it('pins every peer to a version', () => {
    for (const [peer, pkgs] of Object.entries(PEER_PACKAGES)) if (peer !== 'numpy') expect(pkgs[0], peer).toMatch(/==\d/);
  });
});
