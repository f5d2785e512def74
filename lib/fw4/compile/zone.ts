// A zone's own rules: the conntrack helper assignments of chain helper_ZONE, and the loopback
// split of its matches between the prerouting hooks and the output hooks (helper and notrack jumps).
import type { Helper, Zone } from '../load/model.js';
import { portText } from '../options/format.js';
import { ucNumber } from '../options/number.js';
import type { SystemView } from '../snapshot/types.js';
import { newRule, type LoopbackSplit, type RuleSpec } from './types.js';

/**
 * The helper rules of a zone (fw4's zone.helper / auto_helper): one per helper protocol, with
 * the zone's own helpers, else every available one unless the zone masquerades.
 */
export function compileZoneHelpers(zone: Zone, available: readonly Helper[]): RuleSpec[] {
  const helpers = zone.helpers;
  if (!(zone.autoHelper && !(zone.masq || zone.masq6)) && !helpers?.length) return [];
  zone.dflags.add('helper');
  const rules: RuleSpec[] = [];
  for (const helper of helpers?.length ? helpers : available) {
    if (!helper.available) continue;
    for (const proto of helper.proto) {
      const r = newRule(undefined, undefined, helper.description || helper.name, false);
      r.chain = `helper_${zone.name}`;
      r.family = helper.family ?? 0;
      r.proto = proto;
      r.srcZone = zone.name;
      r.dportsPos = helper.port ? [portText(helper.port)] : ['undefined'];
      r.target = 'helper';
      r.setHelper = helper.name;
      rules.push(r);
    }
  }
  return rules;
}

function isLoopbackAddr(addr: string): boolean {
  return addr.startsWith('127.') || addr === '::1' || addr === '::1/128';
}

/** Per zone with helper or notrack chains, its matches' devices and subnets split by loopback. */
export function loopbackSplits(zones: readonly Zone[], view: SystemView): Map<string, LoopbackSplit[]> {
  const flags = new Map<string, boolean>();
  const isLoopbackDev = (dev: string) => {
    let v = flags.get(dev);
    if (v === undefined) {
      const n = ucNumber(view.readFile(`/sys/class/net/${dev}/flags`) ?? '');
      v = !Number.isNaN(n) && (n & 0x8) !== 0;
      flags.set(dev, v);
    }
    return v;
  };
  const pick = <T>(list: T[] | undefined, keep: (x: T) => boolean) => {
    const sel = (list ?? []).filter(keep);
    return sel.length ? sel : undefined;
  };
  const out = new Map<string, LoopbackSplit[]>();
  for (const z of zones) {
    if (!z.dflags.has('helper') && !z.dflags.has('notrack')) continue;
    out.set(z.name, z.matchRules.map((m) => ({
      ingressDevices: pick(m.devicesPos, (d) => !isLoopbackDev(d)),
      ingressSubnets: pick(m.subnetsPos, (a) => !isLoopbackAddr(a)),
      localDevices: pick(m.devicesPos, isLoopbackDev),
      localSubnets: pick(m.subnetsPos, isLoopbackAddr),
    })));
  }
  return out;
}
