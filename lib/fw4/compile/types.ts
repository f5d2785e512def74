// The ruleset IR: every statement fw4 renders, with the data the renderer needs and the
// section it came from.
import type { SectionRef } from '../load/diagnostics.js';
import type { Include, Ipset, Zone } from '../load/model.js';
import type { Address, DateStamp, Dscp, Family, Limit, Mark, PortRange, Protocol, TimeOfDay, Weekdays } from '../options/types.js';

/** One filter, mangle, notrack, helper or NAT rule (fw4's rule/redirect/nat records). */
export interface RuleSpec {
  /** The section this rule comes from (absent for zone auto-helper rules). */
  origin?: SectionRef;
  kind?: 'rule' | 'forwarding' | 'redirect' | 'nat';
  name: string;
  chain: string;
  family: Family;
  proto: Protocol;
  hasAddrs: boolean;
  hasPorts: boolean;
  srcZone?: string;
  destZone?: string;
  iifnames?: string[];
  oifnames?: string[];
  /** nat `device`: `oifname`. */
  device?: string;
  saddrsPos?: string[];
  saddrsNeg?: string[];
  saddrsMasked?: Address[];
  daddrsPos?: string[];
  daddrsNeg?: string[];
  daddrsMasked?: Address[];
  sportsPos?: string[];
  sportsNeg?: string[];
  dportsPos?: string[];
  dportsNeg?: string[];
  smacsPos?: string[];
  smacsNeg?: string[];
  icmpTypes?: number[];
  icmpCodes?: string[];
  helper?: { name: string; invert: boolean };
  limit?: Limit;
  limitBurst?: number;
  startDate?: DateStamp;
  stopDate?: DateStamp;
  startTime?: TimeOfDay;
  stopTime?: TimeOfDay;
  weekdays?: Weekdays;
  mark?: Mark;
  dscp?: Dscp;
  ipset?: { name: string; invert: boolean; fields: string[] };
  log?: string;
  logLimit?: Limit;
  counter: boolean;
  target?: string;
  jumpChain?: string;
  setXmark?: Mark;
  setDscp?: Dscp;
  setHelper?: string;
  /** Redirect/nat rewrite address and port. */
  raddr?: Address;
  rport?: PortRange;
}

export interface Flowtable {
  devices: string[];
  hardware: boolean;
}

export interface DefaultsIR {
  input: string;
  output: string;
  forward: string;
  dropInvalid: boolean;
  tcpRejectCode: string;
  anyRejectCode: string;
  synflood?: { rate: Limit; burst?: number };
}

/** A zone match rule's positive devices and subnets split into loopback and other ones. */
export interface LoopbackSplit {
  /** Non-loopback ones: prerouting and raw_prerouting. */
  ingressDevices?: string[];
  ingressSubnets?: string[];
  /** Loopback ones: output and raw_output. */
  localDevices?: string[];
  localSubnets?: string[];
}

export interface SetEntries { set: Ipset; entries: string[][] }

/** Everything the renderer prints. */
export interface Ruleset {
  deleteFlowtable: boolean;
  flowtable?: Flowtable;
  helpers: { name: string; proto: string }[];
  sets: SetEntries[];
  zones: Zone[];
  /** Per zone name, aligned with its matchRules. */
  loopback: Map<string, LoopbackSplit[]>;
  defaults: DefaultsIR;
  rules: RuleSpec[];
  redirects: RuleSpec[];
  includes: Include[];
  /** uci-fw4 extension: `offload` option values by section index (absent when no section sets one). */
  offloadOptions?: ReadonlyMap<number, boolean>;
}
