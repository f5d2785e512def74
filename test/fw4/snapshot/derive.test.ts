// deriveSnapshot: the devices, layer 3 devices and addresses netifd would bring up, read from a
// network config (see lib/fw4/snapshot/derive/naming.ts for where each rule comes from).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveSnapshot, type SystemSnapshot } from '../../../lib/fw4/index.js';
import { parseDocument, type UciPackage } from '../../../lib/uci/index.js';

const pkg = (text: string, name = 'network'): UciPackage => parseDocument(text, { name }).toPackage();
const fixture = (file: string, name: string) => pkg(readFileSync(new URL(`fixtures/handmade/${file}`, import.meta.url), 'utf8'), name);

type Entry = { interface: string; device?: string; l3_device?: string; 'ipv4-address': unknown[]; 'ipv6-address': unknown[] };
const dump = (s: SystemSnapshot) => (s.ubus!['network.interface~dump'] as { interface: Entry[] }).interface;
const entry = (s: SystemSnapshot, name: string) => dump(s).find((e) => e.interface === name);
const status = (s: SystemSnapshot) => s.ubus!['network.device~status'] as Record<string, { devtype: string; 'bridge-members'?: string[] }>;

describe('deriveSnapshot', () => {
  const handmade = deriveSnapshot({ network: fixture('network', 'network'), wireless: fixture('wireless', 'wireless') });

  it('names each interface\'s devices as netifd and the protocol scripts do', () => {
    expect(dump(handmade).map((e) => [e.interface, e.device, e.l3_device])).toEqual([
      ['loopback', 'lo', 'lo'],
      ['lan', 'br-lan', 'br-lan'],
      ['guest', 'br-lan.10', 'br-lan.10'],
      ['wan', 'wan', 'pppoe-wan'],
      // an alias has no device of its own in the dump, only its interface's layer 3 device
      ['wan6', undefined, 'pppoe-wan'],
      ['vpn', undefined, 'vpn'],
    ]);
  });

  it('reads static addresses with netmask, /bits and netifd\'s defaults, and wireguard\'s addresses', () => {
    expect(entry(handmade, 'loopback')!['ipv4-address']).toEqual([{ address: '127.0.0.1', mask: 8 }]);
    expect(entry(handmade, 'lan')!['ipv4-address']).toEqual([{ address: '192.168.1.1', mask: 24 }]);
    expect(entry(handmade, 'lan')!['ipv6-address']).toEqual([{ address: 'fd00:1::1', mask: 64 }]);
    expect(entry(handmade, 'guest')!['ipv4-address']).toEqual([{ address: '192.168.10.1', mask: 24 }]);
    expect(entry(handmade, 'vpn')!['ipv4-address']).toEqual([{ address: '10.9.0.1', mask: 24 }]);
    expect(entry(handmade, 'wan')!['ipv4-address']).toEqual([]);
    const one = deriveSnapshot({ network: pkg("config interface 'x'\n\toption device 'eth0'\n\toption proto 'static'\n\tlist ipaddr '10.0.0.1'\n\tlist ip6addr '2001:db8::1'\n") });
    expect(entry(one, 'x')!['ipv4-address']).toEqual([{ address: '10.0.0.1', mask: 32 }]);
    expect(entry(one, 'x')!['ipv6-address']).toEqual([{ address: '2001:db8::1', mask: 128 }]);
  });

  it('gives bridges their ports and VLANs their parent, wireless interfaces included', () => {
    const st = status(handmade);
    expect(st['br-lan']).toMatchObject({ devtype: 'bridge', 'bridge-members': ['lan1', 'lan2', 'phy0-ap0'] });
    expect(st['br-lan.10']!.devtype).toBe('vlan');
    expect(handmade.dirs!['/sys/class/net/br-lan.10']).toEqual(['lower_br-lan', 'flags', 'uevent']);
    expect(handmade.files!['/sys/class/net/lo/flags']).toBe('0x9\n');
    expect(handmade.derived!.assumptions).toContain("wireless.default_radio0: no ifname, taken to be 'phy0-ap0' (the mac80211 scripts' PHY-MODEn name for radio0)");
  });

  it('names what exists only at run time, per interface', () => {
    expect(handmade.derived!.runtime).toEqual({
      wan: ['its addresses come from pppoe at run time'],
      wan6: ['its addresses come from dhcpv6 at run time'],
    });
  });

  it('makes the pre-21.02 bridge br-<interface> from `type bridge` and its ifname ports', () => {
    const s = deriveSnapshot({ network: pkg("config interface 'lan'\n\toption type 'bridge'\n\toption ifname 'eth0.1 eth2'\n\toption proto 'static'\n\toption ipaddr '10.1.1.1'\n\toption netmask '255.255.0.0'\n") });
    expect(entry(s, 'lan')).toMatchObject({ device: 'br-lan', l3_device: 'br-lan', 'ipv4-address': [{ address: '10.1.1.1', mask: 16 }] });
    expect(status(s)['br-lan']!['bridge-members']).toEqual(['eth0.1', 'eth2']);
    expect(status(s)['eth0.1']!.devtype).toBe('vlan');
  });

  it('leaves out disabled interfaces and bad values, naming section, option and value', () => {
    const s = deriveSnapshot({
      network: pkg([
        "config interface 'off'\n\toption device 'eth9'\n\toption disabled '1'",
        "config interface 'bad'\n\toption device 'eth 0;x'\n\toption proto 'static'\n\toption ipaddr '10.0.0.300'",
        "config interface 'mask'\n\toption device 'eth1'\n\toption proto 'static'\n\toption ipaddr '10.0.0.1'\n\toption netmask '255.0.255.0'",
        "config interface 'longername'\n\toption proto 'pppoe'\n\toption device 'eth2'",
        "config interface 'odd'\n\toption proto 'frobnicate'\n\toption device 'eth3'",
      ].join('\n\n')),
    });
    expect(dump(s).map((e) => e.interface)).toEqual(['bad', 'mask', 'longername', 'odd']);
    expect(s.derived!.problems).toEqual([
      "network.bad.device: 'eth 0;x' is not a device name the kernel accepts (letters, digits, _ . - +, at most 15 characters); left out",
      "network.bad.ipaddr: '10.0.0.300' is not an IPv4 address; left out",
      "network.mask.netmask: '255.0.255.0' is not a netmask; netifd sets no address on 'mask'",
      "network.longername (proto 'pppoe'): 'pppoe-longername' is not a device name the kernel accepts (letters, digits, _ . - +, at most 15 characters); left out",
      "network.odd.proto: 'frobnicate' is not known to uci-fw4; its layer 3 device is taken to be its main device",
    ]);
  });
});
