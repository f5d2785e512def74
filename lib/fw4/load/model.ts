// The loaded firewall: typed objects built from the UCI sections and the system snapshot.
import type {
  Address, AddressGroup, DeviceMatch, Dscp, Family, Limit, NetworkMatch, PortRange, Protocol,
} from '../options/types.js';
import type { Policy } from '../options/values.js';
import type { SectionRef } from './diagnostics.js';

/** A logical interface from `network.interface dump`. */
export interface NetworkInfo {
  up?: boolean;
  device?: string;
  physdev?: string;
  zone?: string;
  ipaddrs?: Address[];
}

export interface Helper {
  name: string;
  description?: string;
  module?: string;
  family?: Family;
  proto: Protocol[];
  port?: PortRange;
  available: boolean;
}

export interface HelperRef extends Helper { invert: boolean }

export interface Defaults {
  input: Policy;
  output: Policy;
  forward: Policy;
  dropInvalid: boolean;
  tcpRejectCode: string;
  anyRejectCode: string;
  synfloodProtect: boolean;
  synfloodRate?: Limit;
  synfloodBurst?: number;
  autoHelper: boolean;
  flowOffloading: boolean;
  flowOffloadingHw: boolean;
  autoIncludes: boolean;
}

/** One zone jump/verdict match: a device group × family × masking group. */
export interface ZoneMatch {
  family: Family;
  devicesPos?: string[];
  devicesNeg?: string[];
  devicesNegWildcard?: string[];
  subnetsPos?: string[];
  subnetsNeg?: string[];
  subnetsMasked?: Address[];
}

export interface Zone {
  origin: SectionRef;
  name: string;
  family: Family;
  input: Policy;
  output: Policy;
  forward: Policy;
  masq: boolean;
  masq6: boolean;
  masqAllowInvalid: boolean;
  mtuFix: boolean;
  log: number;
  logLimit?: Limit;
  counter: boolean;
  autoHelper: boolean;
  helpers?: HelperRef[];
  network: DeviceMatch[];
  matchRules: ZoneMatch[];
  masq4Src: AddressGroup[];
  masq4Dest: AddressGroup[];
  masq6Src: AddressGroup[];
  masq6Dest: AddressGroup[];
  /** Chains `VERDICT_from_ZONE` that are needed. */
  sflags: Set<string>;
  /** Chains `VERDICT_to_ZONE` and per-zone features (dnat, snat, helper, notrack, …) that are needed. */
  dflags: Set<string>;
  matchDevices: string[];
  matchSubnets: string[];
  relatedSubnets: Address[];
  relatedPhysdevs: string[];
}

export interface ZoneRef { any: boolean; zone?: Zone }

export interface Ipset {
  origin: SectionRef;
  name: string;
  comment?: string;
  family: Family;
  maxelem?: number;
  timeout: number;
  fw4types: string[];
  types: string[];
  directions: ('src' | 'dst')[];
  interval: boolean;
  flags?: string[];
  entries: (string | number)[][];
  loadfile?: string;
}

export interface Include {
  origin?: SectionRef;
  type: 'script' | 'nftables';
  path: string;
  position: string;
  chain?: string;
}

export type { Address, DeviceMatch, Dscp, NetworkMatch };
