// The template's "NAT rules": chains dstnat and srcnat with the zones' jumps, then each zone's
// redirects, nats and masquerading.
import type { RulesetWriter } from './writer.js';
import { renderMasquerade, renderZoneJump } from './zone.js';

export function renderNatRules(c: RulesetWriter): void {
  const zones = c.rs.zones;
  c.w('\n\t#\n\t# NAT rules\n\t#\n\n');
  c.w('\tchain dstnat {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n');
  c.includes('chain-prepend', 'dstnat');
  for (const z of zones) if (z.dflags.has('dnat')) for (const m of z.matchRules) c.w(`\t\t${renderZoneJump(z, m, 'dstnat')}`, z.origin);
  c.includes('chain-append', 'dstnat');
  c.w('\t}\n\n');
  c.w('\tchain srcnat {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n');
  c.includes('chain-prepend', 'srcnat');
  c.redirectLines('srcnat', null);
  for (const z of zones) if (z.dflags.has('snat')) for (const m of z.matchRules) c.w(`\t\t${renderZoneJump(z, m, 'srcnat')}`, z.origin);
  c.includes('chain-append', 'srcnat');
  c.w('\t}\n\n');
  for (const z of zones) {
    if (z.dflags.has('dnat')) {
      c.w(`\tchain dstnat_${z.name} {\n`);
      c.includes('chain-prepend', `dstnat_${z.name}`);
      c.redirectLines(`dstnat_${z.name}`, z);
      c.includes('chain-append', `dstnat_${z.name}`);
      c.w('\t}\n\n');
    }
    if (z.dflags.has('snat')) {
      c.w(`\tchain srcnat_${z.name} {\n`);
      c.includes('chain-prepend', `srcnat_${z.name}`);
      c.redirectLines(`srcnat_${z.name}`, z);
      if (z.masq) for (const s of z.masq4Src) for (const t of z.masq4Dest) c.w(`\t\t${renderMasquerade(z, 4, s, t)}`, z.origin);
      if (z.masq6) for (const s of z.masq6Src) for (const t of z.masq6Dest) c.w(`\t\t${renderMasquerade(z, 6, s, t)}`, z.origin);
      c.includes('chain-append', `srcnat_${z.name}`);
      c.w('\t}\n\n');
    }
  }
}
