// The workloads read every parameter's default from the project's definition
// of the parameters (src-shared/project/defaults.ts): one value each, beside
// the schema, so that the editor's form words can show them too.
export { PARAM_DEFAULTS, SETTINGS_DEFAULTS, paramDefault, withDefaults } from '../project/defaults';
export type { FilledParams, ParamDefaults, WorkloadParams } from '../project/defaults';
