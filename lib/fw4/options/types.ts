// Typed option values: what fw4's value parsers produce.

export type Family = 0 | 4 | 6;

/** One address: a host or network (bits -1: non-contiguous mask) or a range. */
export interface Address {
  family: 4 | 6;
  addr: string;
  mask?: string | null;
  bits?: number;
  addr2?: string;
  range?: boolean;
  invert?: boolean;
}

/** [positive plain, negated plain, masked] address groups, as fw4's subnets_group_by_masking. */
export type AddressGroup = readonly [Address[] | undefined, Address[] | undefined, Address[] | undefined];

export interface NetworkMatch { invert: boolean; addrs?: Address[] }
export interface DeviceMatch { invert: boolean; device?: string; any?: boolean }
export interface Protocol { invert?: boolean; name?: string; any?: boolean }
export interface PortRange { invert: boolean; min: number; max: number }
export interface MacAddress { invert: boolean; mac: string }
export interface IcmpType {
  family: Family;
  type?: number; codeMin?: number; codeMax?: number;
  type6?: number; code6Min?: number; code6Max?: number;
}
export interface Limit { invert: boolean; rate: number; unit: string }
export interface TimeOfDay { hour: number; min: number; sec: number }
export interface DateStamp extends TimeOfDay { year: number; month: number; day: number }
export interface Weekdays { invert: boolean; days: string[] }
export interface Monthdays { invert: boolean; days: number[] }
export interface Mark { invert: boolean; mark: number; mask: number }
export interface Dscp { invert: boolean; dscp: number }
export interface SetMatch { invert: boolean; name: string; dir?: ('src' | 'dst')[] }
export type SetDirection = 'src' | 'dst';
export type IpsetType = readonly [SetDirection, 'ip' | 'port' | 'mac' | 'net' | 'set'];
