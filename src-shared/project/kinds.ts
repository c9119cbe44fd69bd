// The workload kinds declared in their own folders (one folder per kind:
// declaration, runner, memory estimate, report). The project model and the
// editor read their parameters, defaults and words from here; the engine and
// the estimators read the rest from src-shared/workloads/registry.ts.
import { VALIDATION } from '../workloads/validation/params';
import type { KindDeclaration } from './kind-declaration';

export const DECLARED_KINDS = [VALIDATION] as const satisfies readonly KindDeclaration[];

export type DeclaredKind = (typeof DECLARED_KINDS)[number]['kind'];

export function declarationOf(kind: string): KindDeclaration | undefined {
  return (DECLARED_KINDS as readonly KindDeclaration[]).find((d) => d.kind === kind);
}
