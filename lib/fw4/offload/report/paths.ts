// Zone pairs: is anything forwarded from one zone to the other, and is it offloaded?
import { covers, FORWARDED_MANGLE_CHAINS, isForwardChain, isTcpUdp, offloadOption, selectionOf, type Selection } from '../../compile/offload.js';
import type { RuleSpec } from '../../compile/types.js';
import type { Zone } from '../../load/model.js';
import type { Analysis } from './context.js';
import { accepts, protocolLabel, sectionOf } from './sections.js';
import type { SectionRef } from '../../load/diagnostics.js';
import { PATH_NOTES } from './kinds.js';
import type { OffloadFinding, OffloadPath } from './types.js';

export interface PathTraffic {
  /**
   * `all`: forwarded as a whole (forwarding, policy); `some`: only what rules or redirects accept;
   * `untcp`: only protocols that are never offloaded.
   */
  traffic: 'all' | 'some' | 'untcp' | 'none';
  why: string;
}

export function describeSection(r: { origin?: RuleSpec['origin'] }): string {
  const s = sectionOf(r.origin);
  return s.name !== undefined ? `${s.section} (${s.name})` : s.section;
}

/** What fw4's forward chains let through from `src` to `dest`. */
export function pathTraffic(a: Analysis, src: Zone, dest: Zone): PathTraffic {
  const rules = a.ruleset.rules;
  const fwd = rules.find((r) => r.kind === 'forwarding' && covers(r, src.name, dest.name));
  if (fwd) return { traffic: 'all', why: `forwarded by ${describeSection(fwd)}` };
  if (src === dest && src.forward === 'accept') return { traffic: 'all', why: `zone ${src.name} forwards within itself (forward ACCEPT)` };
  if (a.defaults.forward === 'accept') return { traffic: 'all', why: 'the default forward policy is ACCEPT' };
  const accepted = rules.filter((r) => r.kind === 'rule' && isForwardChain(r.chain) && r.target === 'accept' && accepts(r) && covers(r, src.name, dest.name));
  const dnat = a.ruleset.redirects.filter((r) => r.kind === 'redirect' && r.chain === `dstnat_${src.name}` && r.destZone === dest.name);
  const some = [...accepted, ...dnat];
  const names = (list: RuleSpec[]) => [...new Set(list.map(describeSection))].join(', ');
  const offloadable = some.filter((r) => r.proto.any === true || isTcpUdp(r));
  if (some.length && !offloadable.length) {
    const protocols = [...new Set(some.map(protocolLabel))].join(', ');
    return { traffic: 'untcp', why: `only ${protocols} is forwarded (${names(some)}), and fw4 offloads TCP and UDP only` };
  }
  const sections = new Set(offloadable.map((r) => r.origin));
  if (some.length) return { traffic: 'some', why: `only what ${names(offloadable)} accept${sections.size === 1 ? 's' : ''}` };
  return { traffic: 'none', why: `nothing is forwarded from ${src.name} to ${dest.name}` };
}

/** Whether the zone forwards anything to any zone. */
export function forwardsFrom(a: Analysis, zone: Zone): boolean {
  return a.zones.some((dest) => pathTraffic(a, zone, dest).traffic !== 'none');
}

/** Whether anything is forwarded from or to the zone. */
export function forwardsAny(a: Analysis, zone: Zone): boolean {
  return forwardsFrom(a, zone) || a.zones.some((src) => pathTraffic(a, src, zone).traffic !== 'none');
}

function selectiveReasons(sel: Selection, src: Zone, dest: Zone): { excluded?: string; reasons: string[] } {
  const zoneOpt = (z: Zone) => sel.zones.find((s) => s.item === z)?.offload;
  for (const z of [src, dest]) if (zoneOpt(z) === false) return { excluded: `option offload '0' on ${describeSection({ origin: z.origin })}`, reasons: [] };
  const fwd = (offload: boolean) => sel.forwardings.find((s) => s.offload === offload && covers(s.item, src.name, dest.name));
  const fwdOut = fwd(false);
  if (fwdOut) return { excluded: `option offload '0' on ${describeSection(fwdOut.item)}`, reasons: [] };
  const rules = (offload: boolean) => [...new Set(sel.rules.filter((s) => s.offload === offload && covers(s.item, src.name, dest.name)).map((s) => describeSection(s.item)))];
  const reasons = rules(false).map((r) => `except flows matching ${r} (option offload '0')`);
  if (!sel.optIn) return { reasons };
  if (zoneOpt(src) === true || zoneOpt(dest) === true || fwd(true)) return { reasons };
  const picked = rules(true);
  if (!picked.length) return { excluded: "offloading is selective (option offload '1') and no section selects this path", reasons: [] };
  return { reasons: [`only flows matching ${picked.join(', ')} (option offload '1')`, ...reasons] };
}

/** Every ordered zone pair, with its offload mode and the reasons behind it. */
export function zonePaths(a: Analysis): OffloadPath[] {
  const sel = selectionOf(a.ruleset);
  const paths: OffloadPath[] = [];
  for (const src of a.zones) {
    for (const dest of a.zones) {
      const path: OffloadPath = { src: src.name, dest: dest.name, offload: 'none', reasons: [] };
      paths.push(path);
      const t = pathTraffic(a, src, dest);
      if (a.mode === 'none') {
        path.reasons.push(a.defaults.flowOffloading ? 'the flowtable has no devices' : 'flow offloading is off (defaults flow_offloading)');
        continue;
      }
      if (t.traffic === 'none' || t.traffic === 'untcp') {
        path.reasons.push(t.why);
        continue;
      }
      const srcIn = (a.zoneDevices.get(src.name) ?? []).length > 0;
      const destIn = (a.zoneDevices.get(dest.name) ?? []).length > 0;
      if (!srcIn && !destIn) {
        path.reasons.push(`neither ${src.name} nor ${dest.name} has a device in the flowtable`);
        continue;
      }
      const s = selectiveReasons(sel, src, dest);
      if (s.excluded) {
        path.reasons.push(s.excluded);
        continue;
      }
      path.offload = a.mode;
      if (t.traffic === 'some') path.reasons.push(t.why);
      if (!srcIn || !destIn) {
        const [on, off] = srcIn ? [src, dest] : [dest, src];
        path.reasons.push(`only packets arriving through ${on.name} are offloaded: ${off.name} has no device in the flowtable`);
      }
      path.reasons.push(...s.reasons);
    }
  }
  return paths;
}

interface Scope { src?: string; dest?: string }

/** The zone pairs a section's compiled rules apply to (undefined: any zone); none for router traffic. */
function scopeOf(r: RuleSpec): Scope | null {
  const zoneOf = (prefix: string) => (r.chain.startsWith(prefix) ? r.chain.slice(prefix.length) : undefined);
  if (isForwardChain(r.chain) || FORWARDED_MANGLE_CHAINS.has(r.chain)) return { src: r.srcZone, dest: r.destZone };
  const dnat = zoneOf('dstnat_');
  // a reflection DNAT names no destination zone; its SNAT half scopes it
  if (dnat) return r.destZone ? { src: dnat, dest: r.destZone } : null;
  if (r.chain === 'srcnat' || r.chain.startsWith('srcnat_')) return { dest: zoneOf('srcnat_') };
  const from = zoneOf('helper_') ?? zoneOf('notrack_');
  return from ? { src: from } : null;
}

/** Adds each finding's short note to the offloaded zone pairs its section applies to. */
export function annotatePaths(a: Analysis, paths: OffloadPath[], findings: readonly OffloadFinding[]): void {
  const scopes = new Map<string, Scope[]>();
  const add = (origin: SectionRef, scope: Scope | null) => {
    // a section kept on the slow path (offload '0') is no caveat of the offloaded flows
    if (!scope || offloadOption(a.ruleset, origin) === false) return;
    const section = sectionOf(origin).section;
    const known = scopes.get(section);
    if (known) known.push(scope);
    else scopes.set(section, [scope]);
  };
  for (const r of [...a.ruleset.rules, ...a.ruleset.redirects]) if (r.origin) add(r.origin, scopeOf(r));
  for (const z of a.zones) add(z.origin, { src: z.name });
  for (const f of findings) {
    const note = PATH_NOTES[f.kind];
    if (!note) continue;
    const own = scopes.get(f.section);
    if (!own) continue;
    const text = `${f.section}${f.name !== undefined ? ` (${f.name})` : ''}: ${note}`;
    for (const p of paths) {
      if (p.offload === 'none') continue;
      const applies = own.some((s) => (s.src ?? p.src) === p.src && (s.dest ?? p.dest) === p.dest);
      if (applies && !p.reasons.includes(text)) p.reasons.push(text);
    }
  }
}
