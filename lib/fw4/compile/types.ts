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

/** Every field of a RuleSpec, each present (undefined when unset). */
type AllFields = { [K in keyof Required<RuleSpec>]: RuleSpec[K] };

/** The protocol of a record before compile sets the real one. */
const UNSET_PROTO: Protocol = Object.freeze({ any: true });

/**
 * A new rule record with every field present, unset ones undefined, always in this order. All
 * records then share one hidden class (V8 map), and so do their copies (`{ ...base }`). Records
 * copied without their undefined fields made a class per combination of options (~4000 new
 * classes for fw4-bench rules-1000, ~4 per rule) and left the renderer's property reads
 * megamorphic. Compile sets the fields; never delete one.
 */
export function newRule(origin: SectionRef | undefined, kind: RuleSpec['kind'], name: string, counter: boolean): RuleSpec {
  const r: AllFields = {
    origin, kind, name, chain: '', family: 0, proto: UNSET_PROTO, hasAddrs: false, hasPorts: false,
    srcZone: undefined, destZone: undefined, iifnames: undefined, oifnames: undefined, device: undefined,
    saddrsPos: undefined, saddrsNeg: undefined, saddrsMasked: undefined,
    daddrsPos: undefined, daddrsNeg: undefined, daddrsMasked: undefined,
    sportsPos: undefined, sportsNeg: undefined, dportsPos: undefined, dportsNeg: undefined,
    smacsPos: undefined, smacsNeg: undefined, icmpTypes: undefined, icmpCodes: undefined, helper: undefined,
    limit: undefined, limitBurst: undefined, startDate: undefined, stopDate: undefined, startTime: undefined,
    stopTime: undefined, weekdays: undefined, mark: undefined, dscp: undefined, ipset: undefined,
    log: undefined, logLimit: undefined, counter, target: undefined, jumpChain: undefined,
    setXmark: undefined, setDscp: undefined, setHelper: undefined, raddr: undefined, rport: undefined,
  };
  return r as RuleSpec;
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
