// parse_forwarding: an accept from one zone (or any) to another, after all rules of the chain.
import { OPTION_SPECS } from '../schema.js';
import type { DiagnosticSink } from '../load/diagnostics.js';
import type { ZoneRef } from '../load/model.js';
import { parseEnabledSection, type ParseContext, type SectionInput } from '../load/options.js';
import type { Family } from '../options/types.js';
import { inferFamily } from '../options/family.js';
import { newRule, type RuleSpec } from './types.js';

const HUMAN: Record<number, string> = { 4: 'IPv4', 6: 'IPv6' };

export function compileForwarding(input: SectionInput, ctx: ParseContext, sink: DiagnosticSink): RuleSpec[] {
  const ref = input.ref;
  const o = parseEnabledSection(input, OPTION_SPECS.forwarding, ctx, sink);
  if (!o) return [];
  const src = o.get('src') as ZoneRef;
  const dest = o.get('dest') as ZoneRef;
  const family = inferFamily(o.get('family') as Family | undefined, [[src.zone, 'source zone'], [dest.zone, 'destination zone']]);
  if (typeof family === 'string') {
    sink.warn(ref, `${family}, skipping`);
    return [];
  }
  const fam: Family = family ?? 0;
  const name = (o.get('name') as string | undefined) ||
    `Accept ${src.zone?.name ?? 'any'} to ${dest.zone?.name ?? 'any'} ${fam ? `${HUMAN[fam]} ` : ''}forwarding`;
  const rule = newRule(ref, 'forwarding', name, false);
  rule.chain = src.zone ? `forward_${src.zone.name}` : 'forward';
  rule.family = fam;
  rule.proto = { any: true };
  rule.srcZone = src.zone?.name;
  if (dest.zone) {
    rule.destZone = dest.zone.name;
    rule.jumpChain = `accept_to_${dest.zone.name}`;
  } else {
    rule.target = 'accept';
  }
  if (dest.zone) dest.zone.dflags.add('accept');
  return [rule];
}
