// The OffloadReport: from the compiled firewall and the system it was compiled against, what the
// flowtable takes per zone pair, and every finding about what stops working once flows leave the
// firewall's slow path.
import { compileFirewall, type CompiledFirewall, type FirewallInput } from '../compile/firewall.js';
import { offloadOption } from '../compile/offload.js';
import type { SystemView } from '../snapshot/types.js';
import { probeHardwareCapability } from './report/capability.js';
import { analyse, type Analysis } from './report/context.js';
import { FINDING_KINDS } from './report/kinds.js';
import { annotatePaths, zonePaths } from './report/paths.js';
import { ruleFindings } from './report/rule-findings.js';
import { sectionOf } from './report/sections.js';
import { fallbackReason, systemFindings } from './report/system-findings.js';
import type { OffloadDevice, OffloadFinding, OffloadReport, OffloadRequest } from './report/types.js';

export type * from './report/types.js';
export { FINDING_KINDS, KINDS } from './report/kinds.js';
export { hardwareCapabilityEntries, probeHardwareCapability } from './report/capability.js';
export { renderOffloadReport } from './report/text.js';

function requested(a: Analysis): OffloadRequest {
  const selective: OffloadRequest['selective'] = [];
  const seen = new Set<unknown>();
  for (const item of [...a.zones, ...a.ruleset.rules]) {
    const offload = offloadOption(a.ruleset, item.origin);
    if (offload === undefined || seen.has(item.origin)) continue;
    seen.add(item.origin);
    selective.push({ ...sectionOf(item.origin), offload });
  }
  return { software: a.defaults.flowOffloading, hardware: a.defaults.flowOffloadingHw, selective };
}

function devices(a: Analysis): OffloadDevice[] {
  const list = a.mode === 'none' ? [] : a.ruleset.flowtable?.devices ?? [];
  const capable = a.defaults.flowOffloadingHw && a.mode !== 'hardware' ? probeHardwareCapability(a.system, list) : null;
  return list.map((name) => ({
    name,
    zones: a.zones.filter((z) => a.zoneDevices.get(z.name)?.includes(name)).map((z) => z.name),
    ...(a.mode === 'hardware' ? { hardwareCapable: true } : capable ? { hardwareCapable: capable.get(name) === true } : {}),
  }));
}

function ordered(findings: OffloadFinding[]): OffloadFinding[] {
  return FINDING_KINDS.flatMap((kind) => findings.filter((f) => f.kind === kind));
}

/**
 * The report for a compiled firewall and the system view it was compiled with; `notes` say what
 * that system was assumed to be (derivedNotes), so the report does not hide it.
 */
export function offloadReport(compiled: CompiledFirewall, system: SystemView, notes: readonly string[] = []): OffloadReport {
  const a = analyse({ ...compiled, system });
  const fallback = fallbackReason(a);
  const paths = zonePaths(a);
  const findings = ordered([...systemFindings(a, fallback), ...ruleFindings(a)]);
  annotatePaths(a, paths, findings);
  return {
    mode: a.mode,
    requested: requested(a),
    devices: devices(a),
    ...(fallback ? { fallback } : {}),
    paths,
    findings,
    ...(notes.length ? { notes: [...notes] } : {}),
  };
}

/** Compiles the firewall as `fw4 print` does, then reports on it. */
export function offloadReportFor(input: FirewallInput): OffloadReport {
  return offloadReport(compileFirewall(input), input.system);
}
