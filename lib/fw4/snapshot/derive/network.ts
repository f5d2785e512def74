// The `network` package read as netifd reads it (config.c config_init_devices, then
// config_init_interfaces): the devices it creates and, for each interface, its main device, the
// device its protocol brings up, and its static addresses.
import { sectionRefs } from '../../../uci/section-refs.js';
import type { UciPackage, UciSection } from '../../../uci/types.js';
import { parsePrefixLength, parseStaticAddress, words, type DumpAddress } from './addresses.js';
import { DEVICE_NAME, isDisabled, MAX_IFNAME, NO_DEVICE, ON_DEVICE, scalar, tunnelDevice, vlanParent } from './naming.js';

export type DeviceKind = 'bridge' | 'vlan' | 'ethernet' | 'loopback' | 'tunnel' | 'wireless';

export interface DeviceSpec {
  name: string;
  kind: DeviceKind;
  /** Bridge ports or the VLAN's parent: the `lower_*` entries of /sys/class/net/NAME. */
  lower: string[];
}

export interface InterfaceSpec {
  name: string;
  proto: string;
  /** The main device (`device` option, resolved); absent for an alias or a device-less protocol. */
  device?: string;
  /** The layer 3 device, where fw4 matches the interface's traffic. */
  l3Device?: string;
  ipv4: DumpAddress[];
  ipv6: DumpAddress[];
  /** Why some of its addresses exist only at run time. */
  runtime: string[];
}

export interface NetworkPlan {
  devices: Map<string, DeviceSpec>;
  interfaces: InterfaceSpec[];
  /** Values left out, each naming package.section.option and the value. */
  problems: string[];
}

class PlanBuilder {
  readonly devices = new Map<string, DeviceSpec>();
  readonly interfaces: InterfaceSpec[] = [];
  readonly problems: string[] = [];

  /** A device name checked for what the kernel and nft text accept; undefined (and a problem) otherwise. */
  checkedName(where: string, name: string): string | undefined {
    if (!DEVICE_NAME.test(name) || name.length > MAX_IFNAME) {
      this.problems.push(`${where}: '${name}' is not a device name the kernel accepts (letters, digits, _ . - +, at most ${MAX_IFNAME} characters); left out`);
      return undefined;
    }
    return name;
  }

  /** Declares a device (and, for `NAME.VID`, the VLAN chain down to its parent). */
  device(name: string, kind: DeviceKind = 'ethernet', lower: string[] = []): DeviceSpec {
    const known = this.devices.get(name);
    if (known) {
      if (kind !== 'ethernet') Object.assign(known, { kind, lower: [...new Set([...known.lower, ...lower])] });
      return known;
    }
    const parent = kind === 'ethernet' ? vlanParent(name) : undefined;
    if (parent !== undefined) this.device(parent);
    const spec: DeviceSpec = parent !== undefined ? { name, kind: 'vlan', lower: [parent] } : { name, kind: name === 'lo' ? 'loopback' : kind, lower };
    this.devices.set(name, spec);
    return spec;
  }
}

function deviceSection(b: PlanBuilder, s: UciSection, ref: string): void {
  const rawName = scalar(s.options.get('name'));
  // config.c:370-372: a device section without a name is skipped
  if (rawName === undefined) return;
  const name = b.checkedName(`network.${ref}.name`, rawName);
  if (name === undefined) return;
  const type = scalar(s.options.get('type'));
  if (type === 'bridge') {
    // config.c:79-100: `ifname` is the old name of `ports`
    const ports = words(s.options.get('ports') ?? s.options.get('ifname'))
      .map((p) => b.checkedName(`network.${ref}.ports`, p)).filter((p): p is string => p !== undefined);
    for (const p of ports) b.device(p);
    b.device(name, 'bridge', ports);
  } else if (type === '8021q' || type === '8021ad') {
    const parent = scalar(s.options.get('ifname'));
    const checked = parent !== undefined ? b.checkedName(`network.${ref}.ifname`, parent) : undefined;
    if (checked !== undefined) b.device(checked);
    b.device(name, 'vlan', checked !== undefined ? [checked] : []);
  } else {
    b.device(name);
  }
}

function staticAddresses(b: PlanBuilder, s: UciSection, ref: string, spec: InterfaceSpec): void {
  const netmaskText = scalar(s.options.get('netmask'));
  let netmask = 32;
  if (netmaskText !== undefined) {
    const bits = parsePrefixLength(netmaskText, false);
    // proto.c:436-440: an invalid netmask fails the whole interface setup
    if (bits === null || bits > 32) {
      b.problems.push(`network.${ref}.netmask: '${netmaskText}' is not a netmask; netifd sets no address on '${spec.name}'`);
      return;
    }
    netmask = bits;
  }
  for (const [option, v6, bits, list] of [['ipaddr', false, netmask, spec.ipv4], ['ip6addr', true, 128, spec.ipv6]] as const) {
    for (const word of words(s.options.get(option))) {
      const a = parseStaticAddress(word, v6, bits);
      if (typeof a === 'string') b.problems.push(`network.${ref}.${option}: '${word}' is ${a}; left out`);
      else list.push(a);
    }
  }
}

/**
 * wireguard.sh adds each word of `addresses` to its link: `/bits` when given, else a host
 * address (/32, /128).
 */
function wireguardAddresses(b: PlanBuilder, s: UciSection, ref: string, spec: InterfaceSpec): void {
  for (const word of words(s.options.get('addresses'))) {
    const v6 = word.includes(':');
    const a = parseStaticAddress(word, v6, v6 ? 128 : 32);
    if (typeof a === 'string') b.problems.push(`network.${ref}.addresses: '${word}' is ${a}; left out`);
    else (v6 ? spec.ipv6 : spec.ipv4).push(a);
  }
}

function interfaceSection(b: PlanBuilder, s: UciSection, ref: string, aliases: Map<string, string>): void {
  if (isDisabled(s.options.get('disabled'))) return;
  const proto = scalar(s.options.get('proto')) ?? 'none';
  const spec: InterfaceSpec = { name: s.name, proto, ipv4: [], ipv6: [], runtime: [] };
  const option = s.options.has('device') ? 'device' : 'ifname';
  // `device` is one string to netifd (interface.c:84); only the old bridge `ifname` is a list
  const rawDevice = s.options.get(option);
  const device = Array.isArray(rawDevice) ? rawDevice[0] : rawDevice;
  if (scalar(s.options.get('type')) === 'bridge') {
    // config.c:117-136: the pre-21.02 bridge, its ports in `ifname` (or `ports`)
    const ports = words(s.options.get('ports') ?? s.options.get('ifname'))
      .map((p) => b.checkedName(`network.${ref}.${option}`, p)).filter((p): p is string => p !== undefined);
    for (const p of ports) b.device(p);
    spec.device = b.checkedName(`network.${ref}`, `br-${s.name}`);
    if (spec.device !== undefined) b.device(spec.device, 'bridge', ports);
  } else if (device?.startsWith('@')) {
    aliases.set(s.name, device.slice(1));
  } else if (device !== undefined && !NO_DEVICE.has(proto)) {
    spec.device = b.checkedName(`network.${ref}.${option}`, device);
    if (spec.device !== undefined) b.device(spec.device);
  }
  const tunnel = tunnelDevice(proto, s.name);
  if (tunnel !== undefined) {
    spec.l3Device = b.checkedName(`network.${ref} (proto '${proto}')`, tunnel);
    if (spec.l3Device !== undefined) b.device(spec.l3Device, 'tunnel');
    if (proto === 'wireguard') wireguardAddresses(b, s, ref, spec);
    else spec.runtime.push(`its addresses come from ${proto} at run time`);
  } else {
    spec.l3Device = spec.device;
    if (!ON_DEVICE.has(proto)) b.problems.push(`network.${ref}.proto: '${proto}' is not known to uci-fw4; its layer 3 device is taken to be its main device`);
    if (proto !== 'static' && proto !== 'none') spec.runtime.push(`its addresses come from ${proto} at run time`);
  }
  if (proto === 'static') staticAddresses(b, s, ref, spec);
  const assign = scalar(s.options.get('ip6assign'));
  if (assign !== undefined && assign !== '0') spec.runtime.push(`its IPv6 prefix (ip6assign '${assign}') is assigned by netifd at run time`);
  b.interfaces.push(spec);
}

/** The devices and interfaces netifd would bring up from a `network` package. */
export function readNetwork(network: UciPackage): NetworkPlan {
  const b = new PlanBuilder();
  const refs = sectionRefs(network.sections);
  // config.c:834-838: devices first (bridges first), then interfaces
  network.sections.forEach((s, i) => { if (s.type === 'device') deviceSection(b, s, refs[i]!); });
  const aliases = new Map<string, string>();
  network.sections.forEach((s, i) => { if (s.type === 'interface') interfaceSection(b, s, refs[i]!, aliases); });
  // an alias device follows its interface's layer 3 device (alias.c:187, interface.c:1137)
  const l3Of = (name: string, hops: number): string | undefined => {
    const target = b.interfaces.find((i) => i.name === name);
    if (!target || hops > 8) return undefined;
    const next = aliases.get(name);
    return target.l3Device ?? (next !== undefined ? l3Of(next, hops + 1) : undefined);
  };
  for (const spec of b.interfaces) {
    const target = aliases.get(spec.name);
    if (target === undefined || spec.l3Device !== undefined) continue;
    spec.l3Device = l3Of(target, 0);
    if (spec.l3Device === undefined) b.problems.push(`network.${spec.name}: alias '@${target}' names no interface with a device; it has none`);
  }
  return { devices: b.devices, interfaces: b.interfaces, problems: b.problems };
}
