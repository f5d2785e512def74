// The conntrack helper table fw4 ships as /usr/share/firewall4/helpers, used when the confdir
// has no `helpers` package of its own.
import type { OptionValue, UciPackage } from '../uci/types.js';

// name, description, kernel module, family, protocol, port
const HELPERS: readonly (readonly [string, string, string, string, string, string])[] = [
  ['amanda', 'Amanda backup and archiving proto', 'nf_conntrack_amanda', 'any', 'udp', '10080'],
  ['ftp', 'FTP passive connection tracking', 'nf_conntrack_ftp', 'any', 'tcp', '21'],
  ['RAS', 'RAS proto tracking', 'nf_conntrack_h323', 'any', 'udp', '1719'],
  ['Q.931', 'Q.931 proto tracking', 'nf_conntrack_h323', 'any', 'tcp', '1720'],
  ['irc', 'IRC DCC connection tracking', 'nf_conntrack_irc', 'ipv4', 'tcp', '6667'],
  ['netbios-ns', 'NetBIOS name service broadcast tracking', 'nf_conntrack_netbios_ns', 'ipv4', 'udp', '137'],
  ['pptp', 'PPTP VPN connection tracking', 'nf_conntrack_pptp', 'ipv4', 'tcp', '1723'],
  ['sane', 'SANE scanner connection tracking', 'nf_conntrack_sane', 'any', 'tcp', '6566'],
  ['sip', 'SIP VoIP connection tracking', 'nf_conntrack_sip', 'any', 'udp', '5060'],
  ['snmp', 'SNMP monitoring connection tracking', 'nf_conntrack_snmp', 'ipv4', 'udp', '161'],
  ['tftp', 'TFTP connection tracking', 'nf_conntrack_tftp', 'any', 'udp', '69'],
  ['rtsp', 'RTSP connection tracking', 'nf_conntrack_rtsp', 'ipv4', 'tcp', '554'],
];

/** fw4's default helpers package. */
export function defaultHelpers(): UciPackage {
  return {
    name: 'helpers',
    sections: HELPERS.map(([name, description, module, family, proto, port], index) => ({
      type: 'helper',
      name: `cfg${(index + 1).toString(16).padStart(6, '0')}`,
      anonymous: true,
      index,
      options: new Map<string, OptionValue>([
        ['name', name], ['description', description], ['module', module], ['family', family], ['proto', proto], ['port', port],
      ]),
    })),
  };
}
