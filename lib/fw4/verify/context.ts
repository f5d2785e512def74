// What the kernel check learns from the compiled ruleset: the section behind each comment name
// and the protocol of each rule whose only port is its rewrite port.
import type { Ruleset, RuleSpec } from '../compile/types.js';
import type { SectionRef } from '../load/diagnostics.js';
import type { RefusalContext } from './refusals.js';

// fw4's quote() turns double quotes into single ones in the rendered comment.
const commentName = (name: string): string => name.replaceAll('"', "'");

const rewritePortOnly = (r: RuleSpec): boolean =>
  r.rport !== undefined && !r.sportsPos && !r.sportsNeg && !r.dportsPos && !r.dportsNeg && !r.proto.any;

export function refusalContext(ruleset: Ruleset): RefusalContext {
  const origins = new Map<string, SectionRef>();
  const protocols = new Map<string, string[]>();
  for (const rule of [...ruleset.rules, ...ruleset.redirects]) {
    const name = commentName(rule.name);
    if (rule.origin && !origins.has(name)) origins.set(name, rule.origin);
    if (!rewritePortOnly(rule)) continue;
    const key = `${rule.chain}\n${name}`;
    protocols.set(key, [...(protocols.get(key) ?? []), rule.proto.name ?? '']);
  }
  const zones = new Map(ruleset.zones.map((z) => [z.name, z.origin]));
  return {
    originOf: (name) => origins.get(name),
    zoneOrigin: (zone) => zones.get(zone),
    protocolsOf: (chain, name) => protocols.get(`${chain}\n${name}`),
  };
}
