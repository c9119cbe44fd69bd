// The one --isa option of the commands that run the engine (simulate, run,
// profile, bench gates, bench seed, bench peers), and applying it: a named ISA becomes the
// addon's default for every call of this process that names none, so
// workloads and project runs (which ask for 'auto') use it too.
import { InvalidArgumentError, Option } from 'commander';
import { loadAddon, type NativeIsa } from '../native/addon';
import { UsageError } from '../errors';

export const ISA_CHOICES = ['auto', 'avx512', 'avx2', 'scalar'] as const;

/** A fresh `--isa <isa>` option (commander options belong to one command). */
export function isaOption(description = 'SIMD kernels: auto (the best this CPU has), avx512, avx2 or scalar'): Option {
  return new Option('--isa <isa>', description)
    .argParser((v: string): NativeIsa => {
      if (!(ISA_CHOICES as readonly string[]).includes(v)) throw new InvalidArgumentError(`--isa must be one of ${ISA_CHOICES.join(', ')}, got '${v}'`);
      return v as NativeIsa;
    })
    .default('auto');
}

/** Makes `isa` the engine's default; a UsageError names what this CPU has when it lacks it. */
export function applyIsa(isa: NativeIsa | undefined): void {
  if (!isa || isa === 'auto') return;
  const addon = loadAddon();
  const available = addon.info().isaAvailable;
  if (!available.includes(isa))
    throw new UsageError(
      `--isa ${isa} is not available on this CPU (it has: ${available.join(', ')})` +
        (isa === 'avx512' ? '; avx512 needs AVX-512 F, DQ, BW and VL, with the OS saving the ZMM registers' : ''),
    );
  addon.setDefaultIsa(isa);
}
