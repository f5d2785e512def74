// The template's "Mangle rules": the five mangle chains, with the zones' MSS fixing in forward and postrouting.
import type { RulesetWriter } from './writer.js';
import { renderMssFix } from './zone.js';

/** `mss`: where the zones' MSS fix rules go (false: ingress, true: egress), if in this chain. */
function mangleChain(c: RulesetWriter, chain: string, hook: string, mss?: boolean): void {
  c.w(`\tchain ${chain} {\n\t\ttype ${hook} priority mangle; policy accept;\n`);
  c.includes('chain-prepend', chain);
  c.ruleLines(chain, null);
  if (mss !== undefined) {
    for (const z of c.rs.zones) if (z.mtuFix) for (const m of z.matchRules) c.w(`\t\t${renderMssFix(z, m, mss)}`, z.origin);
  }
  c.includes('chain-append', chain);
  c.w('\t}\n');
}

export function renderMangleRules(c: RulesetWriter): void {
  c.w('\n\t#\n\t# Mangle rules\n\t#\n\n');
  mangleChain(c, 'mangle_prerouting', 'filter hook prerouting');
  c.w('\n');
  mangleChain(c, 'mangle_postrouting', 'filter hook postrouting', true);
  c.w('\n');
  mangleChain(c, 'mangle_input', 'filter hook input');
  c.w('\n');
  mangleChain(c, 'mangle_output', 'route hook output');
  c.w('\n');
  mangleChain(c, 'mangle_forward', 'filter hook forward', false);
}
