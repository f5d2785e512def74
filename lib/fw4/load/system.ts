// What fw4 reads from ubus and /proc before parsing: interfaces, their addresses and the
// firewall objects other services register.
import type { OptionValue } from '../../uci/types.js';
import { formatIp, maskFromBits, parseIp } from '../options/ip.js';
import { UNSAFE_TEXT } from './options.js';
import type { Address } from '../options/types.js';
import type { SystemView } from '../snapshot/types.js';
import type { DiagnosticSink, SectionRef } from './diagnostics.js';
import type { NetworkInfo } from './model.js';
import type { SectionInput } from './options.js';

export interface UbusState {
  networks: Map<string, NetworkInfo>;
  /** Objects from `data.firewall` of interfaces and services, in fw4's order. */
  objects: SectionInput[];
}

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Where a warning about an interface's ubus data points: `ubus interface (NAME)`. */
const interfaceRef = (name: string): SectionRef => ({ package: 'ubus', type: 'interface', id: null, index: -1, label: name });

/**
 * The addresses of one list of an interface's dump. One that does not parse would reach the
 * ruleset as raw text: it is left out with fw4's "specifies invalid value" warning.
 */
function addresses(list: unknown, family: 4 | 6, field: string, pick: (e: Json) => unknown, warn: (field: string, value: string) => void): Address[] {
  const out: Address[] = [];
  if (!Array.isArray(list)) return out;
  for (const e of list) {
    const a = isObject(e) ? pick(e) : undefined;
    if (!isObject(a)) continue;
    const bits = Number(a.mask);
    const bytes = parseIp(String(a.address));
    if (!bytes || bytes.length !== (family === 4 ? 4 : 16) || !Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
      warn(field, `${String(a.address)}/${String(a.mask)}`);
      continue;
    }
    out.push({ family, addr: formatIp(bytes), mask: maskFromBits(bits, family === 6), bits });
  }
  return out;
}

/** A ubus object's fields as option values (scalars as strings, arrays as lists). */
function toValues(spec: Json): Map<string, OptionValue> {
  const values = new Map<string, OptionValue>();
  for (const [k, v] of Object.entries(spec)) {
    if (Array.isArray(v)) values.set(k, v.map(String));
    else if (v !== null && v !== undefined && !isObject(v)) values.set(k, String(v));
  }
  return values;
}

function ubusObject(spec: Json, name: string, device?: unknown): SectionInput {
  const type = typeof spec.type === 'string' ? spec.type : 'rule';
  const values = toValues(spec);
  if (type !== 'ipset') values.set('name', name);
  if (device !== undefined && device !== null) values.set('device', String(device));
  const label = values.get('name');
  return {
    ref: { package: 'ubus', type, id: null, index: -1, ...(typeof label === 'string' ? { label } : {}) },
    values,
  };
}

export function readUbus(view: SystemView, sink: DiagnosticSink): UbusState {
  const networks = new Map<string, NetworkInfo>();
  const objects: SectionInput[] = [];
  const dump = view.ubus('network.interface', 'dump');
  const ifaces = isObject(dump) && Array.isArray(dump.interface) ? dump.interface : [];
  for (const ifc of ifaces) {
    if (!isObject(ifc)) continue;
    const data = isObject(ifc.data) ? ifc.data : {};
    const warn = (field: string, value: string) =>
      sink.warn(interfaceRef(String(ifc.interface)), `option '${field}' specifies invalid value '${value}'`, field);
    const ipaddrs = [
      ...addresses(ifc['ipv4-address'], 4, 'ipv4-address', (e) => e, warn),
      ...addresses(ifc['ipv6-address'], 6, 'ipv6-address', (e) => e, warn),
      ...addresses(ifc['ipv6-prefix-assignment'], 6, 'ipv6-prefix-assignment', (e) => e['local-address'], warn),
    ];
    // a device name that could not be printed inside one quoted string
    const name = (field: 'device' | 'l3_device') => {
      const x = ifc[field];
      if (typeof x === 'string' && !UNSAFE_TEXT.test(x)) return x;
      if (x !== undefined && x !== null) warn(field, String(x));
      return undefined;
    };
    const l3 = name('l3_device');
    const physdev = name('device');
    const device = l3 ?? physdev;
    networks.set(String(ifc.interface), {
      up: ifc.up === true,
      ...(device !== undefined ? { device } : {}),
      ...(physdev !== undefined ? { physdev } : {}),
      ...(typeof data.zone === 'string' ? { zone: data.zone } : {}),
      ...(ipaddrs.length ? { ipaddrs } : {}),
    });
    if (Array.isArray(data.firewall)) {
      data.firewall.forEach((spec, n) => {
        if (!isObject(spec)) return;
        const name = spec.type !== 'ipset'
          ? `ubus:${ifc.interface}[${ifc.proto}] ${spec.type || 'rule'} ${n}` : String(spec.name);
        objects.push(ubusObject(spec, name, spec.device ?? device));
      });
    }
  }
  const services = view.ubus('service', 'get_data', { type: 'firewall' });
  if (isObject(services)) {
    for (const [svc, service] of Object.entries(services)) {
      if (!isObject(service)) continue;
      const push = (list: unknown, prefix: string) => {
        if (!Array.isArray(list)) return;
        list.forEach((spec, n) => {
          if (!isObject(spec)) return;
          const name = spec.type !== 'ipset' ? `${prefix} ${spec.type || 'rule'} ${n}` : String(spec.name);
          objects.push(ubusObject(spec, name));
        });
      };
      push(service.firewall, `ubus:${svc}`);
      for (const [inst, instance] of Object.entries(service)) {
        if (isObject(instance)) push(instance.firewall, `ubus:${svc}[${inst}]`);
      }
    }
  }
  return { networks, objects };
}

/** `/proc/version` as `(major << 24) | (minor << 16) | patch`; 0 when unreadable. */
export function readKernelVersion(view: SystemView): number {
  const text = view.readFile('/proc/version');
  if (!text) return 0;
  const line = text.split('\n')[0]!;
  const m = /^Linux version ([0-9]+)\.([0-9]+)(\.([0-9]+))?/.exec(line);
  return m ? ((Number(m[1]) << 24) | (Number(m[2]) << 16) | Number(m[4] ?? 0)) >>> 0 : 0;
}
