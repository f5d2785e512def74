export * from './snapshot/index.js';
export { compileFirewall, translateFirewall } from './translate.js';
export type { CompiledFirewall, FirewallInput, Translation } from './translate.js';
export { renderRuleset } from './render/ruleset.js';
export { diagnosticText, formatDiagnostic } from './load/diagnostics.js';
export type { Diagnostic, FormatOptions, SectionRef } from './load/diagnostics.js';
export { Fw4RuntimeError } from './load/sections.js';
export type { Ruleset, RuleSpec, Flowtable, DefaultsIR, LoopbackSplit, SetEntries } from './compile/types.js';
export type { Zone, ZoneMatch, Ipset, Include, Helper, Defaults } from './load/model.js';
export { OPTION_SPECS, SECTION_SCHEMAS } from './schema.js';
export type { OptionSpec, SectionType, Datatype } from './schema.js';
export { scriptIncludes } from './includes.js';
export type { ScriptInclude, ScriptIncludesResult } from './includes.js';
export { checkFirewall, checkFindings, schemaViolations, locateDiagnostics, formatFinding, kernelRefusalFindings, refusalFinding } from './check/index.js';
export type { CheckFinding, CheckInput, Locators, SchemaViolation } from './check/index.js';
export { documentLocator } from './locator.js';
export type { SourceLocator } from './locator.js';
export { defaultHelpers } from './default-helpers.js';
export { hwOffloadProbe, lowerDevices, resolveFlowtable } from './compile/flowtable.js';
export {
  offloadReport, offloadReportFor, renderOffloadReport, hardwareCapabilityEntries, probeHardwareCapability,
  FINDING_KINDS as OFFLOAD_FINDING_KINDS,
} from './offload/report.js';
export type { OffloadReport, OffloadFinding, OffloadPath, OffloadDevice, OffloadMode, OffloadRequest, FindingKind } from './offload/report.js';
export * from './verify/index.js';
export { parseIp, formatIp, maskFromBits, type IpBytes } from './options/ip.js';
