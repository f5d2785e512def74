// The template's "Raw rules (notrack)": the zones' notrack jumps from the raw hooks and their chains.
import { ingressJumps } from './filter.js';
import type { RulesetWriter } from './writer.js';
import { renderZoneJump } from './zone.js';

export function renderRawRules(c: RulesetWriter): void {
  c.w('\n\t#\n\t# Raw rules (notrack)\n\t#\n\n');
  c.w('\tchain raw_prerouting {\n\t\ttype filter hook prerouting priority raw; policy accept;\n');
  ingressJumps(c, 'notrack');
  c.includes('chain-append', 'raw_prerouting');
  c.w('\t}\n\n');
  c.w('\tchain raw_output {\n\t\ttype filter hook output priority raw; policy accept;\n');
  c.includes('chain-prepend', 'raw_output');
  for (const z of c.rs.zones) {
    if (!z.dflags.has('notrack')) continue;
    const split = c.rs.loopback.get(z.name) ?? [];
    z.matchRules.forEach((m, i) => {
      const l = split[i];
      if (l?.localDevices || l?.localSubnets) {
        c.w(`\t\t${renderZoneJump(z, { ...m, devicesPos: l.localDevices, subnetsPos: l.localSubnets }, 'notrack')}`, z.origin);
      }
    });
  }
  c.includes('chain-append', 'raw_output');
  c.w('\t}\n\n');
  for (const z of c.rs.zones) {
    if (!z.dflags.has('notrack')) continue;
    c.w(`\tchain notrack_${z.name} {\n`);
    c.ruleLines(`notrack_${z.name}`, z);
    c.w('\t}\n\n');
  }
}
