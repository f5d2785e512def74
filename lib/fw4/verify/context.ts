// What the kernel check learns from the compiled ruleset: the section behind each rendered line
// and the protocol of each rule whose only port is its rewrite port.
import type { Ruleset, RuleSpec } from '../compile/types.js';
import type { SectionRef } from '../load/diagnostics.js';
import { renderTraced } from '../render/ruleset.js';
import type { RefusalContext } from './refusals.js';

// fw4's quote() turns double quotes into single ones in the rendered comment.
const commentName = (name: string): string => name.replaceAll('"', "'");

const rewritePortOnly = (r: RuleSpec): boolean =>
  r.rport !== undefined && !r.sportsPos && !r.sportsNeg && !r.dportsPos && !r.dportsNeg && !r.proto.any;

/**
 * The context of the ruleset's text as renderRuleset writes it. `origins`: each line's section,
 * when the caller rendered it traced already (renderTraced); else it is rendered again here.
 */
export function refusalContext(ruleset: Ruleset, origins: readonly (SectionRef | undefined)[] = renderTraced(ruleset).origins): RefusalContext {
  const protocols = new Map<string, string[]>();
  for (const rule of [...ruleset.rules, ...ruleset.redirects]) {
    const name = commentName(rule.name);
    if (!rewritePortOnly(rule)) continue;
    const key = `${rule.chain}\n${name}`;
    protocols.set(key, [...(protocols.get(key) ?? []), rule.proto.name ?? '']);
  }
  return {
    originAt: (line) => origins[line],
    protocolsOf: (chain, name) => protocols.get(`${chain}\n${name}`),
  };
}
