// The translator: UCI packages + system view → ruleset IR (compile, in fw4's processing order,
// with its warnings) → nft text (render).
import { compileFirewall, type CompiledFirewall, type FirewallInput } from './compile/firewall.js';
import { renderRuleset } from './render/ruleset.js';

export { compileFirewall } from './compile/firewall.js';
export type { CompiledFirewall, FirewallInput } from './compile/firewall.js';

export interface Translation extends CompiledFirewall {
  /** The ruleset text `fw4 print` writes to stdout. */
  text: string;
}

/** compileFirewall + renderRuleset. */
export function translateFirewall(input: FirewallInput): Translation {
  const compiled = compileFirewall(input);
  return { ...compiled, text: renderRuleset(compiled.ruleset) };
}
