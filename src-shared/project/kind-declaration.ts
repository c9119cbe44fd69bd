// What a workload kind declares about its parameters, in its own folder
// (src-shared/workloads/<kind>/params.ts): the zod schema the project file is
// checked with, the defaults, the words of the editor's form and of the kind
// itself. The project model reads these declarations (DECLARED_KINDS in
// kinds.ts), so a declaration holds data and zod schemas only.
import type { z } from 'zod';

export interface ParamWords {
  label: string;
  unit?: string;
  help: string;
  /** Force a multi-line field for a string parameter. */
  multiline?: boolean;
}

export interface KindDeclaration<K extends string = string, P extends z.ZodObject = z.ZodObject> {
  kind: K;
  /** The kind's name in lists and titles ("Validation — quantum vs classical"). */
  label: string;
  /** One or two sentences: what it runs and what it measures. */
  help: string;
  params: P;
  /** A default for every parameter that has one (see defaults.ts). */
  defaults: Partial<z.infer<P>>;
  words: Record<string, ParamWords>;
  /** Why a parameter has no effect with the others as they are (the form dims it), or null. */
  paramUnused?: (name: string, p: Record<string, unknown>) => string | null;
}
