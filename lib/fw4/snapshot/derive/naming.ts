// The names netifd and its protocol scripts give the devices an interface brings up. Read from
// openwrt/netifd (commit e97e36f) and the protocol scripts of openwrt/openwrt:
//
// - an interface with `option type bridge` (the pre-21.02 form) gets the bridge `br-<section>`:
//   config.c:117-136 config_parse_bridge_interface prints `<name_prefix>-<section name>`, and
//   bridge.c:101 sets the bridge type's name_prefix to "br";
// - `option device` (formerly `ifname`, interface.c:1091-1093) names the main device;
// - a device name `NAME.VID` is a VLAN of NAME (device.c:923-924 -> vlan.c:282
//   get_vlan_device_chain, which also splits `br-lan.10`, the DSA bridge-VLAN form);
// - `@IFACE` is an alias device following IFACE's layer 3 device (device.c:926-927, alias.c:187);
// - PPP protocols run pppd with `ifname "${proto:-ppp}-$config"` (package/network/services/ppp/
//   files/ppp.sh:44): pppoe-wan, pppoa-wan, pptp-wan, ppp-wan; xl2tpd's l2tp.sh writes
//   `ifname "l2tp-$interface"`; 6in4.sh uses `link="6in4-$cfg"` and 6to4/6rd/map do the same with
//   their names; ds-lite creates `ds-$cfg`; wireguard.sh creates a link named after the section.
import type { OptionValue } from '../../../uci/types.js';

/** Protocols whose layer 3 device is the main device itself (addresses on it). */
export const ON_DEVICE = new Set(['static', 'dhcp', 'dhcpv6', 'none', 'relay', 'qmi', 'ncm', 'mbim']);

/** Protocols that bring up a device of their own: its name for interface `iface`. */
const TUNNEL_NAMES: Record<string, (iface: string) => string> = {
  pppoe: (i) => `pppoe-${i}`,
  pppoa: (i) => `pppoa-${i}`,
  pptp: (i) => `pptp-${i}`,
  ppp: (i) => `ppp-${i}`,
  '3g': (i) => `3g-${i}`,
  l2tp: (i) => `l2tp-${i}`,
  '6in4': (i) => `6in4-${i}`,
  '6to4': (i) => `6to4-${i}`,
  '6rd': (i) => `6rd-${i}`,
  map: (i) => `map-${i}`,
  dslite: (i) => `ds-${i}`,
  wireguard: (i) => i,
};

/** Protocols that need no `device` (the PPP scripts' `no_device=1`, tunnels over routing). */
export const NO_DEVICE = new Set(['pppoa', 'pptp', 'ppp', '3g', 'l2tp', '6in4', '6to4', '6rd', 'map', 'dslite', 'wireguard']);

/** The device a protocol creates for interface `iface`, or undefined when it uses the main device. */
export function tunnelDevice(proto: string, iface: string): string | undefined {
  return Object.hasOwn(TUNNEL_NAMES, proto) ? TUNNEL_NAMES[proto]!(iface) : undefined;
}

/** The kernel's IFNAMSIZ less the NUL: a longer name cannot be created. */
export const MAX_IFNAME = 15;

/**
 * What a device name may be here: the kernel refuses `/`, blanks and `:` in names, and anything
 * outside these characters would need quoting in nft text.
 */
export const DEVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]*$/;

/** `NAME.VID` (or a chain `NAME.VID.VID`): the parent of the last VLAN, or undefined. */
export function vlanParent(name: string): string | undefined {
  const m = /^(.+)\.([0-9]+)$/.exec(name);
  return m ? m[1] : undefined;
}

export function scalar(value: OptionValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** libuci-style booleans as netifd reads `disabled` (config.c:146-148: '1' or 'true'). */
export function isDisabled(value: OptionValue | undefined): boolean {
  return value === '1' || value === 'true';
}
