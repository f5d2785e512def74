// parse_zone: a zone's options, its devices and subnets, and the matches that select its traffic.
import { OPTION_SPECS } from '../schema.js';
import type { DeviceMatch, Family, Limit, NetworkMatch } from '../options/types.js';
import type { Policy } from '../options/values.js';
import { groupByMasking, mapCidr, splitByFamily } from '../options/addresses.js';
import { cidr } from '../options/format.js';
import { inferFamily } from '../options/family.js';
import type { DiagnosticSink } from './diagnostics.js';
import type { HelperRef, Zone, ZoneMatch } from './model.js';
import { parseEnabledSection, type ParseContext, type SectionInput } from './options.js';

/** Devices of one match group: [positive, negated plain, negated wildcard]. */
type DeviceGroup = readonly [string[] | undefined, string[], string[]];

function groupDevices(matches: DeviceMatch[], warnInvalid: (device: string) => void): DeviceGroup[] {
  const groups: DeviceGroup[] = [];
  const plain: string[] = [];
  const plainInvert: string[] = [];
  const wildcardInvert: string[] = [];
  for (const original of matches) {
    const m = /^([^+]*)(\+)?$/.exec(original.device ?? '');
    if (!m) {
      warnInvalid(original.device ?? '');
      continue;
    }
    // nftables has no match for "any device": a bare `+` matches nothing to filter on
    if (!original.invert && m[0] === '+') continue;
    let device = original.device!;
    let invert = original.invert;
    if (invert && m[0] === '+') {
      device = '/never/';
      invert = false;
    } else if (m[2] === '+') {
      device = `${m[1]}*`;
    }
    // fw4 writes the rewritten name back into the zone's device list
    original.device = device;
    original.invert = invert;
    const wildcard = !!m[2];
    if (!invert && wildcard) groups.push([[device], plainInvert, wildcardInvert]);
    else if (!invert) plain.push(device);
    else if (wildcard) wildcardInvert.push(device);
    else plainInvert.push(device);
  }
  if (plain.length) groups.push([plain, plainInvert, wildcardInvert]);
  else if (!groups.length) groups.push([undefined, plainInvert, wildcardInvert]);
  return groups;
}

function orUndefined<T>(x: T[] | undefined): T[] | undefined {
  return x && x.length ? x : undefined;
}

export function loadZone(
  input: SectionInput,
  ctx: ParseContext,
  kernel: number,
  sink: DiagnosticSink,
): Zone | null {
  const ref = input.ref;
  const o = parseEnabledSection(input, OPTION_SPECS.zone, ctx, sink, (spec) =>
    spec.defaultFrom === 'defaults.input' ? ctx.defaults?.input ?? 'drop'
      : spec.defaultFrom === 'defaults.output' ? ctx.defaults?.output ?? 'drop'
        : spec.defaultFrom === 'defaults.forward' ? ctx.defaults?.forward ?? 'drop' : undefined);
  if (!o) return null;
  const helpers = o.get('helper') as HelperRef[] | undefined;
  for (const h of helpers ?? []) {
    // fw4 interpolates `zone.helper.name` of the list, which is always null
    if (!h.available) sink.warn(ref, "uses unavailable ct helper 'null'", 'helper');
  }
  const mtuFix = o.get('mtu_fix') === true;
  if (mtuFix && kernel < 0x040a0000) {
    sink.warn(ref, "option 'mtu_fix' requires kernel 4.10 or later", 'mtu_fix');
    return null;
  }
  const name = o.get('name') as string;
  const autoHelper = ctx.defaults?.autoHelper === false ? false : o.get('auto_helper') !== false;

  const network: DeviceMatch[] = [...((o.get('network') as DeviceMatch[] | undefined) ?? [])];
  for (const [ifname, net] of ctx.networks) if (net.zone === name) network.push({ invert: false, device: ifname });

  const matchDevices: DeviceMatch[] = [];
  const relatedPhysdevs: string[] = [];
  const relatedSubnets = [];
  for (const e of network) {
    const net = e.device !== undefined ? ctx.networks.get(e.device) : undefined;
    if (!net) continue;
    if (net.device) matchDevices.push({ invert: e.invert, device: net.device });
    if (net.physdev && !e.invert) relatedPhysdevs.push(net.physdev);
    relatedSubnets.push(...(net.ipaddrs ?? []));
  }
  matchDevices.push(...((o.get('device') as DeviceMatch[] | undefined) ?? []));

  const subnets = splitByFamily(o.get('subnet') as NetworkMatch[] | undefined);
  const masqSrc = splitByFamily(o.get('masq_src') as NetworkMatch[] | undefined);
  const masqDest = splitByFamily(o.get('masq_dest') as NetworkMatch[] | undefined);
  relatedSubnets.push(...(subnets.v4 ?? []), ...(subnets.v6 ?? []));

  const family = inferFamily(o.get('family') as Family | undefined, [[subnets, 'subnet list']]);
  if (typeof family === 'string') {
    sink.warn(ref, `${family}, skipping`);
    return null;
  }

  const deviceGroups = groupDevices(matchDevices, (device) =>
    sink.warn(ref, `skipping invalid wildcard pattern '${device}'`));
  const matchRules: ZoneMatch[] = [];
  const addMatch = (fam: Family, devices: DeviceGroup, groups?: readonly [unknown, unknown, unknown]) => {
    const g = groups as readonly [typeof subnets.v4, typeof subnets.v4, typeof subnets.v4] | undefined;
    matchRules.push({
      family: fam,
      devicesPos: orUndefined(devices[0]),
      devicesNeg: orUndefined(devices[1]),
      devicesNegWildcard: orUndefined(devices[2]),
      subnetsPos: mapCidr(g?.[0]),
      subnetsNeg: mapCidr(g?.[1]),
      subnetsMasked: g?.[2],
    });
  };
  if (matchDevices.length || subnets.v4?.length || subnets.v6?.length) {
    for (const devices of deviceGroups) {
      if (!family && !subnets.v4?.length && !subnets.v6?.length) {
        addMatch(0, devices);
      } else {
        if (!family || family === 4) for (const g of groupByMasking(subnets.v4)) addMatch(4, devices, g);
        if (!family || family === 6) for (const g of groupByMasking(subnets.v6)) addMatch(6, devices, g);
      }
    }
  }

  const input_ = o.get('input') as Policy;
  const output = o.get('output') as Policy;
  const forward = o.get('forward') as Policy;
  const masq = o.get('masq') === true;
  const masq6 = o.get('masq6') === true;
  const zone: Zone = {
    origin: ref,
    name,
    family: family ?? 0,
    input: input_,
    output,
    forward,
    masq,
    masq6,
    masqAllowInvalid: o.get('masq_allow_invalid') === true,
    mtuFix,
    log: Math.trunc((o.get('log') as number | undefined) ?? 0),
    logLimit: o.get('log_limit') as Limit | undefined,
    counter: o.get('counter') !== false,
    autoHelper,
    helpers,
    network,
    matchRules,
    masq4Src: groupByMasking(masqSrc.v4),
    masq4Dest: groupByMasking(masqDest.v4),
    masq6Src: groupByMasking(masqSrc.v6),
    masq6Dest: groupByMasking(masqDest.v6),
    sflags: new Set([input_]),
    dflags: new Set([output, forward]),
    matchDevices: matchDevices.filter((d) => !d.invert).map((d) => d.device!),
    matchSubnets: relatedSubnets.filter((s) => !s.invert && s.bits !== -1).map(cidr),
    relatedSubnets,
    relatedPhysdevs,
  };
  if (masq || masq6) zone.dflags.add('snat');

  return zone;
}
