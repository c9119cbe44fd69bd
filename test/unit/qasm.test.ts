import { describe, it, expect } from 'vitest';
import { GATE_SPECS, type Circuit, type GateName, type Operation } from '../../src-shared/circuit/circuit';
import { parseQasm, QasmError, toQasm, EXTRA_GATE_DEFINITIONS, QELIB1_GATES } from '../../src-shared/qasm/index';

const HDR = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n';

/** Parses and expects a QasmError; returns it for further checks. */
function parseError(src: string, file = 'circuit.qasm'): QasmError {
  try {
    parseQasm(src, file);
  } catch (e) {
    expect(e).toBeInstanceOf(QasmError);
    return e as QasmError;
  }
  throw new Error('expected a QasmError');
}

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseQasm: basics', () => {
  it('parses a Bell circuit with measurements', () => {
    const p = parseQasm(`${HDR}qreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n`);
    expect(p.circuit).toEqual({
      numQubits: 2,
      numParams: 0,
      ops: [
        { gate: 'h', qubits: [0] },
        { gate: 'cx', qubits: [0, 1] },
      ],
    });
    expect(p.qubitRegisters).toEqual([{ name: 'q', size: 2, offset: 0 }]);
    expect(p.classicalRegisters).toEqual([{ name: 'c', size: 2, offset: 0 }]);
    expect(p.measurements).toEqual([
      { qubit: 0, clbit: 0 },
      { qubit: 1, clbit: 1 },
    ]);
  });

  it('lays out several registers consecutively', () => {
    const p = parseQasm(`${HDR}qreg a[2]; qreg b[3]; creg c[1]; creg d[2];\nx b[1]; cx a[1], b[2];\nmeasure b[2] -> d[1];`);
    expect(p.circuit.numQubits).toBe(5);
    expect(p.qubitRegisters).toEqual([
      { name: 'a', size: 2, offset: 0 },
      { name: 'b', size: 3, offset: 2 },
    ]);
    expect(p.circuit.ops).toEqual([
      { gate: 'x', qubits: [3] },
      { gate: 'cx', qubits: [1, 4] },
    ]);
    expect(p.measurements).toEqual([{ qubit: 4, clbit: 2 }]);
  });

  it('maps the builtins U and CX and works without the include', () => {
    const p = parseQasm('OPENQASM 2.0;\nqreg q[2];\nU(0.1,0.2,0.3) q[0];\nCX q[0],q[1];');
    expect(p.circuit.ops).toEqual([
      { gate: 'u3', qubits: [0], params: [0.1, 0.2, 0.3] },
      { gate: 'cx', qubits: [0, 1] },
    ]);
  });

  it('accepts every GATE_SPECS gate after the include', () => {
    for (const [name, spec] of Object.entries(GATE_SPECS)) {
      const params = spec.params ? `(${Array.from({ length: spec.params }, (_, i) => i + 1).join(',')})` : '';
      const args = Array.from({ length: spec.qubits }, (_, i) => `q[${i}]`).join(',');
      const p = parseQasm(`${HDR}qreg q[3];\n${name}${params} ${args};`);
      expect(p.circuit.ops[0].gate).toBe(name);
    }
  });

  it('ignores comments, barriers and whitespace', () => {
    const p = parseQasm(`// leading comment\nOPENQASM 2.0; /* block\n comment */ include "qelib1.inc";\r\nqreg q[2]; // trailing\nbarrier q; barrier q[0],q[1];\n  h   q [ 1 ] ;`);
    expect(p.circuit.ops).toEqual([{ gate: 'h', qubits: [1] }]);
  });

  it('accepts an empty parameter list and a program without gates', () => {
    expect(parseQasm(`${HDR}qreg q[1]; h() q[0];`).circuit.ops).toEqual([{ gate: 'h', qubits: [0] }]);
    expect(parseQasm('OPENQASM 2.0; qreg q[2];').circuit).toEqual({ numQubits: 2, numParams: 0, ops: [] });
  });

  it('refuses a program without qubits, at its end', () => {
    expect(parseError('OPENQASM 2.0;\ninclude "qelib1.inc";\ncreg c[1];\n').message).toBe(
      "circuit.qasm:4:1: the program declares no qubits: add a quantum register, e.g. 'qreg q[2];'",
    );
  });

  it('reads a file that starts with a UTF-8 byte-order mark', () => {
    expect(parseQasm(`\uFEFF${HDR}qreg q[1]; x q[0];`).circuit.ops).toEqual([{ gate: 'x', qubits: [0] }]);
  });

  it('refuses angles too large to mean a rotation, naming the gate', () => {
    expect(parseError(`${HDR}qreg q[1];\nrx(1e24) q[0];`).message).toMatch(/^circuit\.qasm:4:1: parameter 1 of gate 'rx' is 1e\+24: angles beyond ±100000000 rad/);
    expect(parseError(`${HDR}gate g(a) x { rz(a*1e20) x; }\nqreg q[1];\ng(3) q[0];`).reason).toMatch(/in gate 'g': parameter 1 of an inner gate is 300000000000000000000:/);
    expect(parseQasm(`${HDR}qreg q[1];\nrx(-1e8) q[0];`).circuit.ops[0].params).toEqual([-1e8]);
  });
});

describe('parseQasm: expressions', () => {
  const angle = (e: string): number => {
    const ops = parseQasm(`${HDR}qreg q[1]; rz(${e}) q[0];`).circuit.ops;
    return ops[0].params![0] as number;
  };

  it('evaluates numbers, pi, operators and functions', () => {
    expect(angle('1')).toBe(1);
    expect(angle('1.5e-3')).toBe(1.5e-3);
    expect(angle('2.E2')).toBe(200);
    expect(angle('.25')).toBe(0.25);
    expect(angle('pi/2')).toBe(Math.PI / 2);
    expect(angle('-pi')).toBe(-Math.PI);
    expect(angle('1+2*3')).toBe(7);
    expect(angle('(1+2)*3')).toBe(9);
    expect(angle('8/4/2')).toBe(1);
    expect(angle('2^3^2')).toBe(512); // right-associative
    expect(angle('-2^2')).toBe(-4); // ^ binds tighter than unary minus
    expect(angle('2^-1')).toBe(0.5);
    expect(angle('--1')).toBe(1);
    expect(angle('sin(pi/2) + cos(0) + tan(0) + exp(0) + ln(1) + sqrt(4)')).toBe(5);
  });

  it('reports bad expressions', () => {
    expect(parseError(`${HDR}qreg q[1]; rz(1+) q[0];`).message).toBe("circuit.qasm:3:17: expected an expression, found ')'");
    expect(parseError(`${HDR}qreg q[1]; rz(theta) q[0];`).reason).toMatch(/unknown identifier 'theta'/);
    expect(parseError(`${HDR}qreg q[1]; rz(foo(1)) q[0];`).reason).toMatch(/unknown function 'foo'/);
    expect(parseError(`${HDR}qreg q[1]; rz((1) q[0];`).reason).toMatch(/expected '\)'/);
    expect(parseError(`${HDR}qreg q[1]; rz(sqrt(-1)) q[0];`).reason).toMatch(/evaluates to NaN/);
    expect(parseError(`${HDR}qreg q[1]; rz(1/0) q[0];`).reason).toMatch(/evaluates to Infinity/);
    expect(parseError(`${HDR}qreg q[1]; rz(1e) q[0];`).reason).toMatch(/malformed number/);
    expect(parseError(`${HDR}qreg q[1]; rz(constructor) q[0];`).reason).toMatch(/unknown identifier/);
    expect(parseError(`${HDR}qreg q[1]; rz(${'('.repeat(5000)}1${')'.repeat(5000)}) q[0];`).reason).toMatch(/nested too deeply/);
  });
});

describe('parseQasm: user gates', () => {
  it('expands definitions with substituted parameters, nested', () => {
    const p = parseQasm(`${HDR}
gate rot(a, b) x { rz(a) x; ry(b/2) x; }
gate pair(t) x, y { rot(t, 2*t) x; barrier x, y; cx x, y; rot(-t, pi) y; }
qreg q[3];
pair(0.5) q[2], q[0];`);
    expect(p.circuit.ops).toEqual([
      { gate: 'rz', qubits: [2], params: [0.5] },
      { gate: 'ry', qubits: [2], params: [0.5] },
      { gate: 'cx', qubits: [2, 0] },
      { gate: 'rz', qubits: [0], params: [-0.5] },
      { gate: 'ry', qubits: [0], params: [Math.PI / 2] },
    ]);
  });

  it('allows defining qelib1 names when qelib1 is not included', () => {
    const p = parseQasm('OPENQASM 2.0;\ngate h a { U(pi/2, 0, pi) a; }\nqreg q[1];\nh q[0];');
    expect(p.circuit.ops).toEqual([{ gate: 'u3', qubits: [0], params: [Math.PI / 2, 0, Math.PI] }]);
  });

  it('keeps canonical extra-gate definitions native, expands others', () => {
    for (const def of Object.values(EXTRA_GATE_DEFINITIONS)) {
      const name = /gate (\w+)/.exec(def!)![1];
      const p = parseQasm(`${HDR}${def}\nqreg q[2];\n${name}(0.3) q[1], q[0];`);
      expect(p.circuit.ops).toEqual([{ gate: name, qubits: [1, 0], params: [0.3] }]);
    }
    const p = parseQasm(`${HDR}gate cp(l) a, b { cu1(l) a, b; }\nqreg q[2];\ncp(0.3) q[1], q[0];`);
    expect(p.circuit.ops).toEqual([{ gate: 'cu1', qubits: [1, 0], params: [0.3] }]);
  });

  it('rejects use of an opaque gate', () => {
    const e = parseError(`${HDR}opaque foo(a) x, y;\nqreg q[2];\nfoo(1) q[0], q[1];`);
    expect(e.message).toBe("circuit.qasm:5:1: opaque gate 'foo' has no definition");
  });

  it('reports gate definition errors', () => {
    expect(parseError(`${HDR}gate g a { h a; }\ngate g a { x a; }`).reason).toBe("duplicate gate name 'g'");
    expect(parseError(`${HDR}gate h a { x a; }`).reason).toMatch(/duplicate gate name 'h' \(it is defined by qelib1.inc\)/);
    expect(parseError(`${HDR}gate g a { h a; `).reason).toMatch(/unterminated body of gate 'g' \(opened at line 3\)/);
    expect(parseError(`${HDR}gate g a { h b; }`).reason).toBe("'b' is not a qubit argument of gate 'g'");
    expect(parseError(`${HDR}gate g a { h a[0]; }`).reason).toMatch(/cannot be indexed/);
    expect(parseError(`${HDR}gate g a, b { cx a, a; }`).reason).toBe("qubit 'a' is used twice in gate 'cx'");
    expect(parseError(`${HDR}gate g(t) a { rz(s) a; }`).reason).toMatch(/unknown identifier 's'/);
    expect(parseError(`${HDR}gate g a, a { h a; }`).reason).toMatch(/duplicate name 'a'/);
    expect(parseError(`${HDR}gate g a { later a; }\ngate later a { h a; }`).reason).toBe("unknown gate 'later'");
    expect(parseError(`${HDR}gate g a { measure a; }`).reason).toMatch(/not allowed inside the body/);
    expect(parseError(`${HDR}gate g(t) a { rz(ln(t)) a; }\nqreg q[1];\ng(0) q[0];`).reason).toMatch(/in gate 'g'.*-Infinity/);
  });

  it('refuses exponential blow-up instead of hanging', () => {
    let src = `${HDR}gate g0 a { x a; }\n`;
    for (let i = 1; i <= 40; i++) src += `gate g${i} a { g${i - 1} a; g${i - 1} a; }\n`;
    src += 'qreg q[1];\ng40 q[0];';
    expect(parseError(src).reason).toMatch(/more than 1,000,000 operations/);
  });
});

describe('parseQasm: broadcasting', () => {
  it('broadcasts over registers', () => {
    const p = parseQasm(`${HDR}qreg a[3]; qreg b[3];\nh a;\ncx a, b;\ncx a[0], b;\nrz(1) b;`);
    const ops = p.circuit.ops.map((o) => [o.gate, ...o.qubits].join(' '));
    expect(ops).toEqual([
      'h 0', 'h 1', 'h 2',
      'cx 0 3', 'cx 1 4', 'cx 2 5',
      'cx 0 3', 'cx 0 4', 'cx 0 5',
      'rz 3', 'rz 4', 'rz 5',
    ]);
  });

  it('rejects size mismatches and overlapping broadcasts', () => {
    expect(parseError(`${HDR}qreg a[2]; qreg b[3];\ncx a, b;`).reason).toMatch(/register 'b' has size 3 but 'a' has size 2/);
    expect(parseError(`${HDR}qreg a[2];\ncx a, a;`).reason).toBe("qubit a[0] is used twice in gate 'cx'");
    expect(parseError(`${HDR}qreg a[2];\ncx a[1], a;`).reason).toBe("qubit a[1] is used twice in gate 'cx'");
    expect(parseError(`${HDR}qreg a[2]; creg c[3];\nmeasure a -> c;`).reason).toMatch(/size/);
    expect(parseError(`${HDR}qreg a[2]; creg c[2];\nmeasure a -> c[0];`).reason).toMatch(/either two registers/);
  });
});

describe('parseQasm: errors', () => {
  it('formats file:line:column', () => {
    const e = parseError(`${HDR}qreg q[2];\nh q[0]\nh q[1];`);
    expect(e.message).toBe("circuit.qasm:5:1: expected ';' after gate arguments, found 'h'");
    expect([e.file, e.line, e.column]).toEqual(['circuit.qasm', 5, 1]);
    expect(e.name).toBe('QasmError');
  });

  it('requires the header', () => {
    expect(parseError('qreg q[1];').reason).toMatch(/expected 'OPENQASM 2.0;' header/);
    expect(parseError('OPENQASM 3.0;').reason).toMatch(/unsupported OpenQASM version 3.0/);
    expect(parseError('OPENQASM 2.0').reason).toBe("expected ';' after OpenQASM version, found end of input");
    expect(parseError('').message).toBe("circuit.qasm:1:1: expected 'OPENQASM 2.0;' header at start of file, found end of input");
  });

  it('covers the documented error cases', () => {
    const cases: [string, RegExp | string][] = [
      [`${HDR}qreg q[1];\nfoo q[0];`, "circuit.qasm:4:1: unknown gate 'foo'"],
      ['OPENQASM 2.0;\nqreg q[1];\nh q[0];', /unknown gate 'h' \(did you forget 'include "qelib1.inc";'\?\)/],
      [`${HDR}qreg q[1];\nrz q[0];`, /gate 'rz' takes 1 parameter, got 0/],
      [`${HDR}qreg q[1];\nh(1) q[0];`, /gate 'h' takes 0 parameters, got 1/],
      [`${HDR}qreg q[1];\nu3(1,2) q[0];`, /gate 'u3' takes 3 parameters, got 2/],
      [`${HDR}qreg q[2];\ncx q[0];`, "circuit.qasm:4:4: gate 'cx' acts on 2 qubits, got 1"],
      [`${HDR}qreg q[3];\nh q[0], q[1];`, /gate 'h' acts on 1 qubit, got 2/],
      [`${HDR}qreg q[1];\nh r[0];`, "circuit.qasm:4:3: undeclared quantum register 'r'"],
      [`${HDR}qreg q[1]; creg c[1];\nh c[0];`, /'c' is a classical register/],
      [`${HDR}qreg q[1];\nqreg q[2];`, /duplicate register name 'q'/],
      [`${HDR}qreg q[1];\ncreg q[2];`, /duplicate register name 'q'/],
      [`${HDR}qreg q[2];\ncx q[0], q[0];`, "circuit.qasm:4:10: qubit q[0] is used twice in gate 'cx'"],
      [`${HDR}qreg q[2];\nh q[2];`, "circuit.qasm:4:5: index 2 out of range for register 'q' of size 2"],
      [`${HDR}qreg q[0];`, /at least 1 bit/],
      [`${HDR}qreg q[2];\nreset r[0];`, "circuit.qasm:4:7: undeclared quantum register 'r'"],
      [`${HDR}qreg q[1]; creg c[1];\nif (c==2) x q[0];`, "circuit.qasm:4:8: 2 does not fit in the 1 bit of register 'c', so the condition could never hold"],
      [`${HDR}qreg q[1]; creg c[2];\nif (c[0]==1) x q[0];`, /'if' compares a whole classical register/],
      [`${HDR}qreg q[1]; creg c[1];\nif (q==1) x q[0];`, /'q' is a quantum register/],
      [`${HDR}qreg q[1]; creg c[1];\nif (c==1) barrier q;`, /'barrier' cannot be conditioned/],
      [`${HDR}qreg q[1]; creg c[1];\nif (c==-1) x q[0];`, /expected a non-negative integer to compare 'c' with, found '-'/],
      [`${HDR}qreg q[1];\nh q[`, /expected an integer index, found end of input/],
      [`${HDR}qreg q[1];\nh q[0.5];`, /expected an integer index, found '0.5'/],
      ['OPENQASM 2.0;\ninclude "other.inc";', /only "qelib1.inc" is supported/],
      [`${HDR}qreg q[1];\nh q[0]; @`, /unexpected character '@'/],
      [`${HDR}qreg q[1];\n/* never closed`, /unterminated comment/],
      [`${HDR}qreg gate[1];`, /reserved word/],
      [`${HDR}qreg q[1];\nh q[0];\nOPENQASM 2.0;`, /may appear only once/],
    ];
    for (const [src, want] of cases) {
      const e = parseError(src);
      if (typeof want === 'string') expect(e.message).toBe(want);
      else expect(e.reason).toMatch(want);
    }
  });

  it('uses <input> as the default file name', () => {
    expect(() => parseQasm('x')).toThrow(/^<input>:1:1: /);
  });
});

// ---- export ----------------------------------------------------------------

function randomCircuit(rand: () => number, numQubits: number, numOps: number): Circuit {
  const names = Object.keys(GATE_SPECS) as GateName[];
  const ops: Operation[] = [];
  for (let k = 0; k < numOps; k++) {
    const gate = names[k < names.length ? k : Math.floor(rand() * names.length)];
    const spec = GATE_SPECS[gate];
    const pool = Array.from({ length: numQubits }, (_, i) => i);
    const qubits: number[] = [];
    for (let j = 0; j < spec.qubits; j++) qubits.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
    const op: Operation = { gate, qubits };
    if (spec.params) {
      // Mix of scales, signs, tiny and large magnitudes to stress number formatting (the parser refuses |angle| > 1e8).
      op.params = Array.from({ length: spec.params }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 23 - 15));
    }
    ops.push(op);
  }
  return { numQubits, numParams: 0, ops };
}

describe('toQasm', () => {
  it('writes header, register and ops', () => {
    const text = toQasm({ numQubits: 2, numParams: 0, ops: [{ gate: 'h', qubits: [0] }, { gate: 'rz', qubits: [1], params: [0.5] }, { gate: 'cx', qubits: [0, 1] }] });
    expect(text).toBe('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0];\nrz(0.5) q[1];\ncx q[0],q[1];\n');
  });

  it('adds measurements and honours registerName', () => {
    const text = toQasm({ numQubits: 1, numParams: 0, ops: [{ gate: 'x', qubits: [0] }] }, { registerName: 'r', measurements: true });
    expect(text).toBe('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg r[1];\ncreg c[1];\nx r[0];\nmeasure r -> c;\n');
    const p = parseQasm(toQasm({ numQubits: 2, numParams: 0, ops: [] }, { registerName: 'c', measurements: true }));
    expect(p.measurements).toHaveLength(2);
    expect(() => toQasm({ numQubits: 1, numParams: 0, ops: [] }, { registerName: '1x' })).toThrow(/invalid register name/);
  });

  it('evaluates ParamRef angles and names the op when values are missing', () => {
    const c: Circuit = {
      numQubits: 1,
      numParams: 2,
      ops: [{ gate: 'h', qubits: [0] }, { gate: 'rx', qubits: [0], params: [{ slot: 1, scale: 2, offset: 0.25 }] }, { gate: 'ry', qubits: [0], params: [{ slot: 0 }] }],
    };
    const p = parseQasm(toQasm(c, { params: [0.1, 3] }));
    expect(p.circuit.ops[1].params).toEqual([6.25]);
    expect(p.circuit.ops[2].params).toEqual([0.1]);
    expect(() => toQasm(c)).toThrow(/op 1 \(rx\) uses parameter slot 1/);
    expect(() => toQasm(c, { params: [1] })).toThrow(/op 1 \(rx\).*only 1 values/);
  });

  it('rejects invalid ops naming the index', () => {
    expect(() => toQasm({ numQubits: 1, numParams: 0, ops: [{ gate: 'cx', qubits: [0] }] })).toThrow(/op 0 \(cx\) has 1 qubits/);
    expect(() => toQasm({ numQubits: 1, numParams: 0, ops: [{ gate: 'x', qubits: [1] }] })).toThrow(/op 0 \(x\) uses qubit 1/);
    expect(() => toQasm({ numQubits: 1, numParams: 0, ops: [{ gate: 'rz', qubits: [0], params: [NaN] }] })).toThrow(/non-finite/);
  });

  it('defines exactly the gates qelib1.inc lacks', () => {
    const extras = (Object.keys(GATE_SPECS) as GateName[]).filter((g) => !QELIB1_GATES.has(g));
    expect(extras.sort()).toEqual(Object.keys(EXTRA_GATE_DEFINITIONS).sort());
    const text = toQasm({ numQubits: 2, numParams: 0, ops: [{ gate: 'ryy', qubits: [0, 1], params: [1] }, { gate: 'ryy', qubits: [1, 0], params: [2] }] });
    expect(text.match(/^gate ryy/gm)).toHaveLength(1);
    expect(text).not.toMatch(/gate cp/);
  });

  it('round-trips random circuits over every gate', () => {
    const rand = rng(12345);
    for (let trial = 0; trial < 20; trial++) {
      const c = randomCircuit(rand, 3 + (trial % 4), 60);
      const back = parseQasm(toQasm(c)).circuit;
      expect(back.numQubits).toBe(c.numQubits);
      expect(back.ops.length).toBe(c.ops.length);
      back.ops.forEach((op, i) => {
        const want = c.ops[i];
        expect(op.gate).toBe(want.gate);
        expect(op.qubits).toEqual(want.qubits);
        const ps = (op.params ?? []) as number[];
        const ws = (want.params ?? []) as number[];
        expect(ps.length).toBe(ws.length);
        ps.forEach((v, j) => expect(Math.abs(v - ws[j])).toBeLessThanOrEqual(1e-15 * Math.abs(ws[j])));
      });
    }
  });

  it('prints valid QASM reals for exponent forms', () => {
    const text = toQasm({ numQubits: 1, numParams: 0, ops: [{ gate: 'rz', qubits: [0], params: [1e-7] }, { gate: 'rz', qubits: [0], params: [-2.5e21] }] });
    expect(text).toMatch(/rz\(1\.0e-7\)/);
    expect(text).toMatch(/rz\(-2\.5e\+21\)/);
  });
});

// ---- robustness & speed ----------------------------------------------------

describe('parseQasm: robustness', () => {
  const valid = [
    toQasm(randomCircuit(rng(7), 4, 50), { measurements: true }),
    `${HDR}// c\ngate g(a,b) x,y { rz(a*sin(b)^2) x; cx x,y; barrier x; }\nopaque o x;\nqreg q[3]; qreg r[3]; creg c[3];\ng(pi/2, -1.5e-1) q, r;\ncx q[0], r;\nbarrier q, r[1];\nmeasure q -> c;\nmeasure r[2] -> c[0];\n/* end */`,
  ];
  const alphabet = ' \n;,()[]{}+-*/^"->==qcrgxh0123456789.eEpiOPENQASMUCXgateopaquebarriermeasure\u00e9\t/**/';

  it('throws only QasmError on truncations and random mutations', () => {
    const rand = rng(99);
    let errors = 0;
    const attempt = (src: string) => {
      try {
        parseQasm(src, 'fuzz.qasm');
      } catch (e) {
        if (!(e instanceof QasmError)) throw new Error(`non-QasmError ${String(e)} for input:\n${src}`);
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.column).toBeGreaterThanOrEqual(1);
        errors++;
      }
    };
    for (const src of valid) {
      for (let cut = 0; cut <= src.length; cut++) attempt(src.slice(0, cut));
      for (let k = 0; k < 3000; k++) {
        let s = src;
        const edits = 1 + Math.floor(rand() * 4);
        for (let e = 0; e < edits; e++) {
          const pos = Math.floor(rand() * (s.length + 1));
          const r = rand();
          const ch = alphabet[Math.floor(rand() * alphabet.length)];
          if (r < 0.4) s = s.slice(0, pos) + s.slice(pos + 1 + Math.floor(rand() * 5));
          else if (r < 0.8) s = s.slice(0, pos) + ch + s.slice(pos);
          else s = s.slice(0, pos) + ch + s.slice(pos + 1);
        }
        attempt(s);
      }
    }
    expect(errors).toBeGreaterThan(1000);
  });

  it('parses a 100k-line file', () => {
    const lines = [HDR, 'qreg q[20];'];
    for (let i = 0; i < 100_000; i++) {
      const a = i % 20;
      lines.push(i % 3 === 0 ? `rz(${i * 1e-3}*pi/4) q[${a}]; // step ${i}` : i % 3 === 1 ? `cx q[${a}],q[${(a + 1) % 20}];` : `u3(0.1,-0.2,pi) q[${a}];`);
    }
    const p = parseQasm(lines.join('\n'));
    expect(p.circuit.ops.length).toBe(100_000);
    expect(p.dynamic).toBe(false);
  });
});
