// The CPU backend a run or a `quench simulate` asks for by name: the
// TypeScript reference, or the native simulator on an ISA (auto: the one the
// addon chose for this CPU at load).
import type { Backend } from '../../src-shared/backend/backend';
import { ReferenceBackend } from '../../src-shared/backend/reference-backend';
import { loadAddon, type NativeIsa } from '../native/addon';
import { NativeBackend } from './native-backend';

export function pickBackend(kind: 'native' | 'reference', isa: NativeIsa): Backend {
  if (kind === 'reference') return new ReferenceBackend();
  const chosen = isa === 'auto' ? loadAddon().info().defaultIsa : isa;
  return new NativeBackend(chosen);
}
