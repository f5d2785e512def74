// `uci-fw4 fw4 offload`: the flow offloading report, as a table or as JSON.
import {
  offloadReport, renderOffloadReport, type CompiledFirewall, type SystemView,
} from '../lib/fw4/index.js';
import { writeText } from './output.js';

export function runOffload(compiled: CompiledFirewall, system: SystemView, json: boolean, notes: readonly string[]): number {
  const report = offloadReport(compiled, system, notes);
  writeText(1, json ? `${JSON.stringify(report, null, 2)}\n` : renderOffloadReport(report));
  return 0;
}
