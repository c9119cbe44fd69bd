// The circuit diagram's layout: ASAP columns, controls, boxes, labels, truncation and bundling.
import { describe, expect, it } from 'vitest';
import type { Circuit } from '../../src-shared/circuit/circuit';
import { circuitDiagramOps, cvDiagramOps, formatAngle, formatConstant, layoutCircuit, layoutDiagram } from '../../src-shared/circuit/diagram';
import { parseQasm } from '../../src-shared/qasm';
import { qganGenerator } from '../../src-shared/workloads/experiment-circuit';

const qasm = (body: string, n = 3) => parseQasm(`OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[${n}];\n${body}`).circuit;

describe('circuit diagram layout', () => {
  it('places gates as soon as possible: independent gates share a column', () => {
    const l = layoutCircuit(qasm('h q[0];\nh q[1];\ncx q[0],q[1];\nx q[2];\nrz(pi/2) q[0];'));
    expect(l.ops.map((o) => [o.label, o.column])).toEqual([['H', 0], ['H', 0], ['CX', 1], ['X', 0], ['RZ', 2]]);
    expect(l.columns).toBe(3);
    expect(l.hiddenColumns).toBe(0);
    expect(l.wires.map((w) => w.label)).toEqual(['q0', 'q1', 'q2']);
  });

  it('draws controls as dots joined to the target, and blocks the wires in between', () => {
    const l = layoutCircuit(qasm('cx q[2],q[0];\nh q[1];\nccx q[0],q[1],q[2];\ncz q[0],q[1];\nswap q[1],q[2];\ncry(0.25) q[0],q[2];'));
    const [cx, h, ccx, cz, swap, cry] = l.ops;
    expect(cx).toMatchObject({ style: 'not', targetRows: [0], controlRows: [2], top: 0, bottom: 2, column: 0 });
    expect(h.column).toBe(1); // q1 lies under the CX's vertical line
    expect(ccx).toMatchObject({ style: 'not', targetRows: [2], controlRows: [0, 1], column: 2 });
    expect(cz).toMatchObject({ style: 'dot', targetRows: [1], controlRows: [0] });
    expect(swap).toMatchObject({ style: 'swap', targetRows: [1, 2] });
    expect(cry).toMatchObject({ style: 'box', label: 'RY', param: '0.25', targetRows: [2], controlRows: [0] });
  });

  it('draws a multi-qubit gate as one box over its wires, with its parameter label', () => {
    const c: Circuit = { numQubits: 4, numParams: 2, paramNames: ['γ1', 'β1'], ops: [{ gate: 'rzz', qubits: [1, 3], params: [{ slot: 0, scale: -0.5 }] }, { gate: 'rx', qubits: [2], params: [{ slot: 1, scale: 2 }] }] };
    const l = layoutCircuit(c);
    expect(l.ops[0]).toMatchObject({ style: 'box', label: 'RZZ', param: '−0.5·γ1', targetRows: [1, 3], top: 1, bottom: 3, column: 0 });
    expect(l.ops[1]).toMatchObject({ param: '2·β1', column: 1 });
    expect(l.columnWidths).toEqual([7, 4]); // the widest label of each column, in characters
  });

  it('labels angles readably', () => {
    expect(formatConstant(Math.PI / 2)).toBe('π/2');
    expect(formatConstant(-3 * Math.PI / 4)).toBe('−3π/4');
    expect(formatConstant(2 * Math.PI)).toBe('2π');
    expect(formatConstant(0.123456)).toBe('0.123');
    expect(formatAngle({ slot: 3 })).toBe('θ3');
    expect(formatAngle({ slot: 0, scale: -1, offset: Math.PI }, ['γ1'])).toBe('−γ1 + π');
    const ops = circuitDiagramOps(qasm('u3(pi,0,pi/2) q[0];\nsdg q[1];', 2));
    expect(ops.map((o) => [o.label, o.param])).toEqual([['U3', 'π, 0, π/2'], ['S†', undefined]]);
  });

  it('shows the first columns of a long circuit and says how many more there are', () => {
    const body = Array.from({ length: 100 }, () => 'h q[0];').join('\n');
    const l = layoutCircuit(qasm(body, 1), { maxColumns: 30 });
    expect(l.columns).toBe(30);
    expect(l.ops).toHaveLength(30);
    expect(l.totalColumns).toBe(100);
    expect(l.hiddenColumns).toBe(70);
    expect(l.totalOps).toBe(100);
  });

  it('bundles the wires beyond the limit into one row', () => {
    const body = 'h q[0];\ncx q[2],q[27];\ncx q[25],q[29];\nh q[28];';
    const l = layoutCircuit(qasm(body, 30), { maxWires: 24 });
    expect(l.wires).toHaveLength(24);
    expect(l.wires[23]).toEqual({ row: 23, label: 'q23–q29', count: 7 });
    expect(l.bundledWires).toBe(7);
    const [, cx1, cx2, h] = l.ops;
    expect(cx1).toMatchObject({ style: 'not', targetRows: [23], controlRows: [2] });
    // both ends in the bundle: a box named after the gate, not a ⊕ that could be misread
    expect(cx2).toMatchObject({ style: 'box', label: 'CX', targetRows: [23], controlRows: [] });
    expect(h).toMatchObject({ targetRows: [23], column: 2 });
  });

  it('adds meters for measured qubits at the end', () => {
    const program = parseQasm('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\nmeasure q -> c;');
    const l = layoutCircuit(program.circuit, { measured: program.measurements.map((m) => m.qubit) });
    expect(l.ops.filter((o) => o.style === 'measure').map((o) => [o.targetRows[0], o.column])).toEqual([[0, 1], [1, 0]]);
  });

  it('draws the CV generator on mode wires with a barrier per layer', () => {
    const g = qganGenerator(3, 2, 4);
    const ops = cvDiagramOps(g.gates);
    expect(ops.filter((o) => o.style === 'barrier').map((o) => o.label)).toEqual(['layer 1', 'layer 2']);
    const l = layoutDiagram(3, ops, { wireLabel: (m) => `mode ${m}`, maxColumns: 1000 });
    expect(l.wires.map((w) => w.label)).toEqual(['mode 0', 'mode 1', 'mode 2']);
    const latent = l.ops.filter((o) => o.param?.startsWith('z'));
    expect(latent.map((o) => o.param)).toEqual(['z0', 'z1', 'z2', 'z3 (p)']);
    const bs = l.ops.find((o) => o.label === 'BS')!;
    expect(bs.targetRows).toEqual([0, 1]);
    // a barrier spans every wire, so nothing of layer 2 starts before layer 1 ends
    const [b1, b2] = l.ops.filter((o) => o.style === 'barrier');
    expect(b1.top).toBe(0);
    expect(b1.bottom).toBe(2);
    const layer1 = l.ops.filter((o) => o.style !== 'barrier' && o.column > b1.column && o.column < b2.column);
    expect(layer1.length).toBe(g.gates.filter((x) => x.layer === 0).length);
  });
});
