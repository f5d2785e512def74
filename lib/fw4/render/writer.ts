// What every block of the ruleset template writes with: the output, the rules by chain, the
// include hooks, and (when traced) the section each written line comes from.
import type { Ruleset, RuleSpec } from '../compile/types.js';
import type { SectionRef } from '../load/diagnostics.js';
import type { Zone } from '../load/model.js';
import { renderRedirect, renderRule, type LogZone } from './rule.js';

function byChain(rules: readonly RuleSpec[]): Map<string, RuleSpec[]> {
  const map = new Map<string, RuleSpec[]>();
  for (const r of rules) {
    const list = map.get(r.chain);
    if (list) list.push(r);
    else map.set(r.chain, [r]);
  }
  return map;
}

export class RulesetWriter {
  private readonly parts: string[] = [];
  /** Part index → the section its lines come from; null when not traced. */
  private readonly traced: Map<number, SectionRef> | null;
  private readonly rules: Map<string, RuleSpec[]>;
  private readonly redirects: Map<string, RuleSpec[]>;

  constructor(readonly rs: Ruleset, trace: boolean) {
    this.traced = trace ? new Map() : null;
    this.rules = byChain(rs.rules);
    this.redirects = byChain(rs.redirects);
  }

  /** Writes text; `origin`: the section its lines come from, for a traced render. */
  w(text: string, origin?: SectionRef): void {
    if (origin && this.traced) this.traced.set(this.parts.length, origin);
    this.parts.push(text);
  }

  /** fw4.includes(position, chain): the include lines of nftables includes at that position. */
  includes(position: string, chain?: string): void {
    const pad = position.startsWith('table-') ? '\t' : position.startsWith('chain-') ? '\t\t' : '';
    const pre = position.startsWith('chain-') ? '' : '\n';
    let body = '';
    for (const inc of this.rs.includes) {
      if (inc.type === 'nftables' && inc.position === position && (!chain || inc.chain === chain)) {
        body += `${pad}include "${inc.path}"\n`;
      }
    }
    if (body) this.w(pre + body);
  }

  /** The compiled rules of a chain; `zone` names the log limit of zone chains. */
  ruleLines(chain: string, zone: (LogZone & Pick<Zone, 'origin'>) | null): void {
    for (const r of this.rules.get(chain) ?? []) this.w(`\t\t${renderRule(r, zone)}`, r.origin ?? zone?.origin);
  }

  /** The rules of a chain each with its own log zone (the global forward chain). */
  ruleLinesWith(chain: string, zoneOf: (r: RuleSpec) => LogZone | null): void {
    for (const r of this.rules.get(chain) ?? []) this.w(`\t\t${renderRule(r, zoneOf(r))}`, r.origin);
  }

  redirectLines(chain: string, zone: LogZone | null): void {
    for (const r of this.redirects.get(chain) ?? []) this.w(`\t\t${renderRedirect(r, zone)}`, r.origin);
  }

  text(): string {
    return this.parts.join('');
  }

  /** Per 1-based line of the text, the section it comes from (index 0 unused). */
  lineOrigins(): (SectionRef | undefined)[] {
    // index 0 unused; the last entry is the line being written
    const out: (SectionRef | undefined)[] = [undefined, undefined];
    this.parts.forEach((part, i) => {
      const origin = this.traced?.get(i);
      let from = 0;
      // a part ends a line at each newline; a part without one continues the current line
      for (let nl = part.indexOf('\n'); nl >= 0; nl = part.indexOf('\n', from)) {
        out[out.length - 1] ??= origin;
        out.push(undefined);
        from = nl + 1;
      }
      if (from < part.length) out[out.length - 1] ??= origin;
    });
    return out;
  }
}
