// The readable form of the report: a table of zone pairs × offload mode, then the findings.
import type { OffloadReport } from './types.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

function requestText(r: OffloadReport['requested']): string {
  if (!r.software) return 'off';
  return r.hardware ? 'hardware' : 'software';
}

export function renderOffloadReport(report: OffloadReport): string {
  const lines: string[] = [];
  lines.push(`Flow offloading: ${report.mode} (requested: ${requestText(report.requested)})`);
  if (report.devices.length) {
    const devs = report.devices.map((d) => {
      const notes = [...(d.zones.length ? [d.zones.join(', ')] : []), ...(d.hardwareCapable === false ? ['no hardware offload'] : [])];
      return notes.length ? `${d.name} (${notes.join('; ')})` : d.name;
    });
    lines.push(`Flowtable devices: ${devs.join(', ')}`);
  }
  if (report.requested.selective.length) {
    const sel = report.requested.selective.map((s) => `${s.section}${s.name !== undefined ? ` (${s.name})` : ''} offload '${s.offload ? 1 : 0}'`);
    lines.push(`Selective offloading (uci-fw4): ${sel.join(', ')}`);
  }
  if (report.fallback) lines.push(`Fallback: ${report.fallback}`);
  for (const note of report.notes ?? []) lines.push(`Note: ${note}`);
  if (report.paths.length) {
    lines.push('');
    lines.push(table([['FROM', 'TO', 'OFFLOAD', 'WHY'], ...report.paths.map((p) => [p.src, p.dest, p.offload, p.reasons.join('; ')])]));
  }
  lines.push('');
  lines.push(report.findings.length ? `Findings (${report.findings.length}):` : 'Findings: none');
  for (const f of report.findings) {
    lines.push(`- ${f.section}${f.name !== undefined ? ` (${f.name})` : ''} [${f.kind}]`);
    lines.push(`  ${f.message}`);
    if (f.suggestion) lines.push(`  Suggestion: ${f.suggestion}.`);
  }
  return `${lines.join('\n')}\n`;
}
