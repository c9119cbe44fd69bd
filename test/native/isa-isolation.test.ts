// The addon runs on CPUs without AVX-512 (and picks its ISA at run time), so
// AVX-512 and AVX2 instructions may only sit in code that the dispatcher
// reaches on a CPU that has them. The danger is the linker: an inline or
// template function with external linkage compiled in an *_avx512.cc (or
// *_avx2.cc) translation unit is a weak symbol, and the linker may keep that
// copy for every caller, the portable code included. This reads the built
// addon: no weak function outside the ISA's own namespaces may hold wider
// instructions than the baseline.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src-main/native/addon';

const addon = process.env.QUENCH_NATIVE ?? path.join(packageRoot(), 'native', 'build', 'Release', 'quench_native.node');
const tool = (name: string) => spawnSync(name, ['--version']).status === 0;
const haveTools = tool('objdump') && tool('nm') && fs.existsSync(addon);
if (!haveTools) console.warn('isa-isolation: skipped: needs binutils (objdump, nm) and the built addon');

/** Function name → its instructions' text, from objdump (names demangled). */
function functions(file: string): Map<string, string[]> {
  const r = spawnSync('objdump', ['-d', '--no-show-raw-insn', '-C', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  expect(r.status, r.stderr).toBe(0);
  const out = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const line of r.stdout.split('\n')) {
    const head = /^[0-9a-f]+ <(.*)>:$/.exec(line);
    if (head) out.set(head[1], (cur = []));
    else if (cur && line.startsWith(' ')) cur.push(line);
  }
  return out;
}

const AVX512 = /%zmm|%[xy]mm(1[6-9]|2\d|3[01])\b|%k[1-7]\b|\{1to\d+\}|vpternlog|vpermt2|vpermi2|vcompress|vexpand|vscalef|vrndscale|vgetexp|vfpclass/;
const AVX2 = /%ymm|vfmadd|vfmsub|vfnmadd|vfnmsub|vpbroadcast|vperm2[fi]128|vpermpd|vpermq|vgather/;

describe.skipIf(!haveTools)(`the addon's ISA-specific code stays behind the dispatcher${haveTools ? '' : ' — skipped: needs objdump, nm and the built addon'}`, () => {
  it('no weak (shared) function outside the avx2/avx512 namespaces holds AVX2 or AVX-512 instructions', () => {
    const nm = spawnSync('nm', ['--defined-only', '-C', addon], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(nm.status, nm.stderr).toBe(0);
    const weak = new Set(
      nm.stdout
        .split('\n')
        .map((l) => /^[0-9a-f]+ ([WwVv]) (.*)$/.exec(l))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => m[2]),
    );
    const fns = functions(addon);
    let checked = 0;
    const offenders: string[] = [];
    for (const [name, body] of fns) {
      if (!weak.has(name)) continue;
      checked++;
      if (/avx512|avx2/i.test(name)) continue; // instantiated for (and reached from) that ISA only
      const text = body.join('\n');
      if (AVX512.test(text)) offenders.push(`AVX-512 in ${name.slice(0, 200)}`);
      else if (AVX2.test(text)) offenders.push(`AVX2 in ${name.slice(0, 200)}`);
    }
    expect(checked).toBeGreaterThan(50); // the parse found the addon's weak functions
    expect(offenders).toEqual([]);
  });
});
