import { describe, expect, it } from 'vitest';
import { findKernelRefusals, fixKernelRefusals, renderedRules } from '../../../lib/fw4/verify/index.js';
import { long, ruleset } from './fixtures.js';
import type { SectionRef } from '../../../lib/fw4/index.js';

describe('renderedRules', () => {
  it('lists rule lines with chain, line number and comment name, skipping declarations', () => {
    const text = ruleset({ dstnat_wan: ['type nat hook prerouting priority dstnat; policy accept;', 'meta nfproto ipv4 dnat 10.0.0.2:22 comment "!fw4: @redirect[0]"'] });
    expect(renderedRules(text)).toEqual([
      {
        line: 7,
        chain: 'dstnat_wan',
        text: 'meta nfproto ipv4 dnat 10.0.0.2:22 comment "!fw4: @redirect[0]"',
        comment: '@redirect[0]',
        tokens: ['meta', 'nfproto', 'ipv4', 'dnat', '10.0.0.2:22', 'comment', '"!fw4: @redirect[0]"'],
      },
    ]);
  });
});

describe('findKernelRefusals', () => {
  it('finds a port mapping with no transport protocol match, and names the section', () => {
    const text = ruleset({
      dstnat_wan: [
        'meta nfproto ipv4 counter log prefix "x: " dnat 10.0.0.3:23 comment "!fw4: Explicit redirect name"',
        'meta nfproto ipv4 meta l4proto tcp dnat 10.0.0.3:23 comment "!fw4: fine"',
        'meta nfproto ipv4 tcp dport 22 dnat 10.0.0.3:23 comment "!fw4: also fine"',
        'meta nfproto ipv6 counter dnat [2001:db8::1]:80 comment "!fw4: @redirect[2]"',
        'meta nfproto ipv4 counter redirect to 8080 comment "!fw4: @redirect[3]"',
      ],
    });
    const explicit: SectionRef = { package: 'firewall', type: 'redirect', id: '@redirect[1]', index: 7, label: 'Explicit redirect name' };
    const found = findKernelRefusals(text, {
      originAt: (line) => (line === 6 ? explicit : undefined),
      protocolsOf: (chain, name) => (chain !== 'dstnat_wan' ? undefined : name === 'Explicit redirect name' ? ['tcp'] : name === '@redirect[2]' ? ['udp'] : undefined),
    });
    expect(found.map((r) => [r.line, r.kind, r.section, r.replacement])).toEqual([
      [6, 'port-mapping-without-protocol', '@redirect[1] (Explicit redirect name)', 'meta nfproto ipv4 meta l4proto tcp counter log prefix "x: " dnat 10.0.0.3:23 comment "!fw4: Explicit redirect name"'],
      [9, 'port-mapping-without-protocol', '@redirect[2]', 'meta nfproto ipv6 meta l4proto udp counter dnat [2001:db8::1]:80 comment "!fw4: @redirect[2]"'],
      [10, 'port-mapping-without-protocol', '@redirect[3]', 'meta nfproto ipv4 meta l4proto { tcp, udp } counter redirect to 8080 comment "!fw4: @redirect[3]"'],
    ]);
    expect(found[0]?.nft).toBe('transport protocol mapping is only valid after transport protocol match');
    expect(found[0]?.origin).toBe(explicit);
    expect(found[1]?.origin).toBeUndefined();
  });

  it('gives each rule of a `tcp udp` redirect its own protocol, in fw4 order', () => {
    const rule = 'meta nfproto ipv4 counter dnat 10.0.0.2:22 comment "!fw4: both"';
    const found = findKernelRefusals(ruleset({ dstnat_wan: [rule, rule] }), { protocolsOf: (chain, name) => (chain === 'dstnat_wan' && name === 'both' ? ['tcp', 'udp'] : undefined) });
    expect(found.map((r) => r.replacement?.slice(0, 40))).toEqual([
      'meta nfproto ipv4 meta l4proto tcp count',
      'meta nfproto ipv4 meta l4proto udp count',
    ]);
  });

  it('finds an IPv6 match in an IPv4 rule (masq with IPv6 subnets) and leaves the rule out', () => {
    const text = ruleset({
      accept_to_wan: [
        'meta nfproto ipv4 oifname "eth1" ip daddr 10.0.0.0/8 ct state invalid counter drop comment "!fw4: Prevent NAT leakage"',
        'meta nfproto ipv4 oifname "eth1" ip6 daddr 2001:db8::/32 ct state invalid counter drop comment "!fw4: Prevent NAT leakage"',
      ],
    });
    const wan: SectionRef = { package: 'firewall', type: 'zone', id: '@zone[1]', index: 3, label: 'wan' };
    const found = findKernelRefusals(text, { originAt: () => wan });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 7, kind: 'family-conflict', section: '@zone[1] (wan)', replacement: null, nft: 'conflicting protocols specified: ip vs. ip6' });
    expect(fixKernelRefusals(text).text).not.toContain('ip6 daddr');
  });

  it('finds a date range that ends before it starts, but not an equal one', () => {
    const text = ruleset({
      input_wan: [
        'meta time "2021-05-01 00:00:00"-"2021-01-01 00:00:00" accept comment "!fw4: backwards"',
        'meta time "2021-01-01 00:00:00"-"2021-01-01 00:00:00" accept comment "!fw4: instant"',
        'meta hour "23:00:00"-"01:00:00" accept comment "!fw4: overnight"',
      ],
    });
    expect(findKernelRefusals(text).map((r) => [r.kind, r.section])).toEqual([['empty-time-range', 'backwards']]);
  });

  it('cuts comments to 128 bytes without splitting a character', () => {
    const name = 'é'.repeat(70);
    const text = ruleset({ input_wan: [`accept comment "!fw4: ${name}"`, `accept comment "!fw4: ${long(122)}"`] });
    const found = findKernelRefusals(text);
    expect(found.map((r) => [r.kind, r.section])).toEqual([['comment-too-long', name]]);
    const fixed = found[0]?.replacement ?? '';
    const comment = /comment "(.*)"/.exec(fixed)?.[1] ?? '';
    expect(Buffer.byteLength(comment)).toBe(128);
    expect(comment).toBe(`!fw4: ${'é'.repeat(61)}`);
  });

  it('drops interface names longer than 15 bytes from matches, and rules that need one', () => {
    const text = ruleset({
      input: [
        `iifname "${long(16)}" jump input_x comment "!fw4: only long"`,
        `iifname { "eth0", "${long(16)}" } jump input_x comment "!fw4: mixed"`,
        `iifname != "${long(20)}" accept comment "!fw4: negated"`,
        `iifname "${long(15)}" accept comment "!fw4: fits"`,
      ],
    });
    const found = findKernelRefusals(text);
    expect(found.map((r) => [r.section, r.replacement])).toEqual([
      ['only long', null],
      ['mixed', 'iifname "eth0" jump input_x comment "!fw4: mixed"'],
      ['negated', 'accept comment "!fw4: negated"'],
    ]);
  });

  it('finds a long interface name holding `}` inside a set of names', () => {
    const text = ruleset({ input: [`iifname { "eth0", "${long(16)}}q", "a, b" } jump input_x comment "!fw4: Handle x IPv4/IPv6 input traffic"`] });
    expect(findKernelRefusals(text).map((r) => [r.kind, r.replacement])).toEqual([
      ['device-name-too-long', 'iifname { "eth0", "a, b" } jump input_x comment "!fw4: Handle x IPv4/IPv6 input traffic"'],
    ]);
  });

  it('fixes a line with several refusals in turn', () => {
    const text = ruleset({ dstnat_wan: [`meta nfproto ipv4 iifname != "${long(16)}" counter dnat 10.0.0.2:22 comment "!fw4: ${long(130)}"`] });
    const { text: fixed, applied } = fixKernelRefusals(text, { protocolsOf: () => ['tcp'] });
    expect(applied.map((r) => r.kind)).toEqual(['port-mapping-without-protocol', 'device-name-too-long', 'comment-too-long']);
    expect(findKernelRefusals(fixed)).toEqual([]);
    expect(fixed).toContain(`\t\tmeta nfproto ipv4 meta l4proto tcp counter dnat 10.0.0.2:22 comment "!fw4: ${long(122)}"\n`);
  });

  it('finds nothing in an acceptable ruleset and leaves it byte for byte', () => {
    const text = ruleset({ input: ['ct state vmap { established : accept, related : accept } comment "!fw4: Handle inbound flows"', 'tcp dport 22 dnat 10.0.0.1:22'] });
    expect(findKernelRefusals(text)).toEqual([]);
    expect(fixKernelRefusals(text).text).toBe(text);
  });
});
