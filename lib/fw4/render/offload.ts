// Selective offloading, a uci-fw4 extension beyond fw4: `option offload '0'` on a zone, rule or
// forwarding keeps its flows on the slow path; `option offload '1'` makes offloading opt-in (only
// flows of sections that say '1' are offloaded). Without the option anywhere the ruleset is
// fw4's, byte for byte: the forward chain's single `meta l4proto { tcp, udp } flow offload @ft;`.
//
// With it, that line jumps to chain `handle_offload`, which decides on packets in the original
// direction (a flow entry covers both directions, and a reply-direction packet would otherwise
// slip past a zone-pair exclusion): exclusions `return` first, then the opt-in sections'
// narrower `flow offload @ft` matches, or a final catch-all `flow offload @ft` when none opt in.
import { FORWARDED_MANGLE_CHAINS, selectionOf, type Selected } from '../compile/offload.js';
import type { Ruleset, RuleSpec } from '../compile/types.js';
import type { Zone, ZoneMatch } from '../load/model.js';
import type { Family } from '../options/types.js';
import { nfproto, quote } from './format.js';
import { renderRule } from './rule.js';
import { zoneMatch } from './zone.js';

/** fw4's own statement, kept when no section uses the extension. */
const FW4_OFFLOAD = '\t\tmeta l4proto { tcp, udp } flow offload @ft;\n';
const JUMP = '\t\tmeta l4proto { tcp, udp } jump handle_offload comment "!fw4: uci-fw4 selective flow offloading"\n';

/** A zone's alternative matches; a missing zone (`*`) matches everything. */
function matchesOf(zone: Zone | undefined): ZoneMatch[] {
  return zone ? zone.matchRules : [{ family: 0 }];
}

function combine(...families: Family[]): Family | null {
  const set = new Set(families.filter((f) => f !== 0));
  if (set.size > 1) return null;
  return set.size ? [...set][0]! : 0;
}

function comment(text: string): string {
  return `comment ${quote(`!fw4: ${text}`, true)}`;
}

function pairLines(src: Zone | undefined, dest: Zone | undefined, verdict: string, text: string): string[] {
  const lines: string[] = [];
  for (const s of matchesOf(src)) {
    for (const d of matchesOf(dest)) {
      const f = combine(s.family, d.family);
      if (f === null) continue;
      lines.push(`${f ? `meta nfproto ${nfproto(f)} ` : ''}${zoneMatch(s, false)}${zoneMatch(d, true)}${verdict} ${comment(text)}\n`);
    }
  }
  return lines;
}

function ruleLines(r: RuleSpec, zones: ReadonlyMap<string, Zone>, verdict: string): string[] {
  // a mangle rule carries its zones' devices itself, as fw4 renders it
  const own = FORWARDED_MANGLE_CHAINS.has(r.chain);
  const src = r.srcZone !== undefined && !own ? zones.get(r.srcZone) : undefined;
  const dest = r.destZone !== undefined && !own ? zones.get(r.destZone) : undefined;
  const lines: string[] = [];
  for (const s of matchesOf(src)) {
    for (const d of matchesOf(dest)) {
      const family = combine(r.family, s.family, d.family);
      if (family === null) continue;
      // the rule's own matches, with fw4's rule template; its statements stay in its own chain
      const matches = renderRule({
        ...r, family, counter: false, log: undefined, logLimit: undefined, limit: undefined, limitBurst: undefined,
        jumpChain: undefined, target: verdict,
      }, null);
      lines.push(`${zoneMatch(s, false)}${zoneMatch(d, true)}${matches}`);
    }
  }
  return lines;
}

/**
 * The forward chain's offload statement and, with the extension in use, chain `handle_offload`
 * (empty otherwise). Both are tab-indented and newline-terminated as in fw4's template.
 */
export function renderOffloadStatements(rs: Ruleset): { forward: string; chain: string } {
  const sel = selectionOf(rs);
  if (!sel.zones.length && !sel.forwardings.length && !sel.rules.length) return { forward: FW4_OFFLOAD, chain: '' };
  const zones = new Map(rs.zones.map((z) => [z.name, z]));
  const out: string[] = ['ct direction reply return comment "!fw4: Decide on original-direction packets"\n'];
  const pick = <T>(list: Selected<T>[], offload: boolean) => list.filter((s) => s.offload === offload).map((s) => s.item);
  for (const z of pick(sel.zones, false)) {
    for (const m of z.matchRules) {
      const fam = m.family ? `meta nfproto ${nfproto(m.family)} ` : '';
      out.push(`${fam}${zoneMatch(m, false)}return ${comment(`${z.name}: offload '0'`)}\n`);
      out.push(`${fam}${zoneMatch(m, true)}return ${comment(`${z.name}: offload '0'`)}\n`);
    }
  }
  for (const r of pick(sel.forwardings, false)) {
    out.push(...pairLines(zones.get(r.srcZone ?? ''), zones.get(r.destZone ?? ''), 'return', r.name));
  }
  for (const r of pick(sel.rules, false)) out.push(...ruleLines(r, zones, 'return'));
  if (sel.optIn) {
    for (const z of pick(sel.zones, true)) {
      out.push(...pairLines(z, undefined, 'flow offload @ft', `${z.name}: offload '1'`));
      out.push(...pairLines(undefined, z, 'flow offload @ft', `${z.name}: offload '1'`));
    }
    for (const r of pick(sel.forwardings, true)) {
      out.push(...pairLines(zones.get(r.srcZone ?? ''), zones.get(r.destZone ?? ''), 'flow offload @ft', r.name));
    }
    for (const r of pick(sel.rules, true)) out.push(...ruleLines(r, zones, 'flow offload @ft'));
  } else {
    out.push('flow offload @ft comment "!fw4: Offload all other flows"\n');
  }
  return { forward: JUMP, chain: `\tchain handle_offload {\n${out.map((l) => `\t\t${l}`).join('')}\t}\n\n` };
}
