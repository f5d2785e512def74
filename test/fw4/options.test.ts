// fw4's value parsers and address helpers, each against what fw4.uc accepts and produces.
import { describe, expect, it } from 'vitest';
import { applyMask, bitsFromMask, formatIp, maskFromBits, parseIp } from '../../lib/fw4/options/ip.js';
import { ucNumber } from '../../lib/fw4/options/number.js';
import * as v from '../../lib/fw4/options/values.js';
import { quote, set, datestamp } from '../../lib/fw4/render/format.js';
import { cidr, hex } from '../../lib/fw4/options/format.js';
import { groupByMasking } from '../../lib/fw4/options/addresses.js';

describe('addresses', () => {
  it('parses and prints like inet_pton/inet_ntop', () => {
    expect(formatIp(parseIp('2001:0db8:0000:0000:0001:0000:0000:0001')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIp('::ffff:10.0.0.1')!)).toBe('::ffff:10.0.0.1');
    expect(formatIp(parseIp('fe80::1')!)).toBe('fe80::1');
    expect(formatIp(parseIp('::1:2')!)).toBe('::0.1.0.2');
    expect(formatIp(parseIp('::99')!)).toBe('::99');
    expect(formatIp(parseIp('1:0:2:3:4:5:6:7')!)).toBe('1:0:2:3:4:5:6:7');
    expect(parseIp('10.0.0.01')).toBeNull();
    expect(parseIp('10.0.0')).toBeNull();
    expect(parseIp('1::2::3')).toBeNull();
  });

  it('converts masks and prefix lengths', () => {
    expect(maskFromBits(24, false)).toBe('255.255.255.0');
    expect(maskFromBits(-8, false)).toBe('0.255.255.255');
    expect(maskFromBits(33, false)).toBeNull();
    expect(bitsFromMask('255.255.240.0')).toBe(20);
    expect(bitsFromMask('255.0.255.0')).toBeNull();
    expect(applyMask('192.168.1.77', 24)).toBe('192.168.1.0');
    expect(applyMask('2001:db8::1', 'ffff:ffff::')).toBe('2001:db8::');
  });

  it('subnets: hosts bare, networks masked, non-contiguous masks as ADDR/MASK, ranges', () => {
    expect(cidr(v.parseSubnetLiteral('10.1.2.3')!)).toBe('10.1.2.3');
    expect(cidr(v.parseSubnetLiteral('10.1.2.3/16')!)).toBe('10.1.0.0/16');
    expect(cidr(v.parseSubnetLiteral('10.1.2.3/255.0.255.0')!)).toBe('10.0.2.0/255.0.255.0');
    expect(cidr(v.parseSubnetLiteral('10.0.0.1-10.0.0.9')!)).toBe('10.0.0.1-10.0.0.9');
    expect(v.parseSubnetLiteral('10.0.0.1/1.5')).toBeNull();
    expect(v.parseSubnetLiteral('lan')).toBeUndefined();
  });

  it('puts each non-contiguous mask in its own group', () => {
    const a = (s: string, invert = false) => ({ ...v.parseSubnetLiteral(s)!, invert });
    const groups = groupByMasking([a('10.0.0.0/8'), a('0.0.0.1/0.0.0.255'), a('10.1.0.0/16', true)]);
    expect(groups).toHaveLength(2);
    expect(groups[0]![0]).toBeUndefined();
    expect(groups[0]![2]![0]!.mask).toBe('0.0.0.255');
    expect(groups[1]![0]![0]!.addr).toBe('10.0.0.0');
    expect(groups[1]![1]![0]!.invert).toBe(true);
  });
});

describe('value parsers', () => {
  it('enums match the first choice starting with the lower-cased value', () => {
    expect(v.parseEnum('ACC', v.TARGETS)).toBe('accept');
    expect(v.parseEnum('d', v.TARGETS)).toBe('drop');
    expect(v.parseEnum('mas', v.TARGETS)).toBe('masquerade');
    expect(v.parseEnum('', v.POLICIES)).toBe('accept');
    expect(v.parseEnum('x', v.POLICIES)).toBeNull();
  });

  it('bool, family, int', () => {
    expect(v.parseBool('yes')).toBe(true);
    expect(v.parseBool('Off')).toBeNull();
    expect(v.parseFamily('ipv4')).toBe(4);
    expect(v.parseFamily('inet')).toBe(4);
    expect(v.parseFamily('IPv6')).toBe(6);
    expect(v.parseFamily('*')).toBe(0);
    expect(ucNumber('0x10')).toBe(16);
    expect(ucNumber('')).toBe(0);
    expect(ucNumber('10abc')).toBeNaN();
  });

  it('ports, negation and ranges', () => {
    expect(v.parsePort('!80')).toEqual({ invert: true, min: 80, max: 80 });
    expect(v.parsePort('1000:2000')).toEqual({ invert: false, min: 1000, max: 2000 });
    expect(v.parsePort('2000-1000')).toBeNull();
    expect(v.parsePort('65536')).toBeNull();
    expect(v.parsePort('ssh')).toBeNull();
  });

  it('protocols', () => {
    expect(v.parseProtocol('tcpudp')).toEqual([{ invert: false, name: 'tcp' }, { invert: false, name: 'udp' }]);
    expect(v.parseProtocol('58')).toEqual({ invert: false, name: 'ipv6-icmp' });
    expect(v.parseProtocol('!ALL')).toEqual({ invert: true, any: true });
    expect(v.parseProtocol('ESP')).toEqual({ invert: false, name: 'esp' });
  });

  it('ICMP types: names per family, numbers for both', () => {
    expect(v.parseIcmpType('echo-request')).toMatchObject({ family: 0, type: 8, type6: 128 });
    expect(v.parseIcmpType('packet-too-big')).toEqual({ family: 6, type6: 2, code6Min: 0, code6Max: 255 });
    expect(v.parseIcmpType('3/4')).toMatchObject({ family: 0, type: 3, codeMin: 4, codeMax: 4 });
    expect(v.parseIcmpType('256')).toBeNull();
  });

  it('marks, DSCP, limits, MACs', () => {
    expect(v.parseMark('0x10/0xff')).toEqual({ invert: false, mark: 16, mask: 255 });
    expect(v.parseMark('0x1ffffffff')).toBeNull();
    expect(v.parseDscp('af41')).toEqual({ invert: false, dscp: 0x22 });
    expect(v.parseDscp('64')).toBeNull();
    expect(v.parseLimit('10/min')).toEqual({ invert: false, rate: 10, unit: 'minute' });
    expect(v.parseLimit('10/x')).toBeNull();
    expect(v.parseMac('0-1-2-a-B-c')).toEqual({ invert: false, mac: '00:01:02:0a:0b:0c' });
  });

  it('dates and times', () => {
    expect(v.parseDate('2021-3')).toEqual({ year: 2021, month: 3, day: 1, hour: 0, min: 0, sec: 0 });
    expect(v.parseDate('2039-01-01')).toBeNull();
    expect(v.parseTime('24:00')).toBeNull();
    expect(datestamp(v.parseDate('2021-03-10T12:05')!)).toBe('"2021-03-10 12:05:00"');
  });

  it('set matches and weekdays', () => {
    expect(v.parseSetMatch('!blocked dst,src')).toEqual({ invert: true, name: 'blocked', dir: ['dst', 'src'] });
    expect(v.parseWeekdays('mon Tue su')).toEqual({ invert: false, days: ['Monday', 'Tuesday', 'Sunday'] });
    expect(v.parseIpsetType('dest_port')).toEqual(['dst', 'port']);
    expect(v.parseIncludePosition('chain-post')).toBe('chain-append');
  });
});

describe('rendering helpers', () => {
  it('quotes everything that is not address-like, turning " into \'', () => {
    expect(quote('10.0.0.1/24')).toBe('10.0.0.1/24');
    expect(quote('cafe')).toBe('cafe');
    expect(quote('eth0')).toBe('"eth0"');
    expect(quote('a"b', true)).toBe('"a\'b"');
    expect(set(['x', 'x'])).toBe('"x"');
    expect(set(['1', '2'])).toBe('{ 1, 2 }');
    expect(set([], true)).toBe('{  }');
    expect(hex(~0xff)).toBe('0xffffff00');
  });
});
