// The catalogue of findings: when each kind is raised, and its message in plain words (what the
// user will see on the router), so that the wording lives in one place.
//
// Facts behind the wording (torvalds/linux net/netfilter/nft_flow_offload.c, nft_flow_offload_eval):
// a flow is added to the flowtable only once conntrack confirmed it (TCP: established, no FIN/RST),
// never with a conntrack helper, sequence adjustment or an IPsec security path on the packet; after
// that its packets are forwarded at the ingress hook and skip every chain of the classic path.
// fw4 offers only `meta l4proto { tcp, udp }` to the flowtable, first thing in chain `forward`,
// before the `ct state` verdict map that accepts established flows.
import type { FindingKind } from './types.js';

interface KindEntry {
  /** When the kind is raised (and, by omission, when not). */
  when: string;
  message: (...args: never[]) => string;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** What the user sees when a per-packet statement stops seeing packets. */
const EFFECTS: Readonly<Record<string, string>> = {
  counter: 'its counter stops growing',
  log: 'the log goes quiet',
  limit: 'the limit no longer limits',
};

export const KINDS = {
  'device-not-in-flowtable': {
    when: 'Offloading is requested and a zone that forwards traffic contributes no device to the flowtable (with no '
      + 'device at all, fw4 renders no flowtable): it is '
      + 'defined by `device`/`subnet` only (fw4 takes flowtable devices from `network` interfaces alone), '
      + 'its interfaces are unknown or negated, their devices are missing from /sys/class/net, or (hardware) '
      + 'they resolve to no lower device.',
    message: (p: { zone: string; why: string }) =>
      `Packets arriving through zone ${p.zone} are never offloaded: ${p.why}. Flows between ${p.zone} and other `
      + 'zones are accelerated at most in the direction that enters through an offloaded zone; everything '
      + `${p.zone} sends takes the full firewall path, as without offloading.`,
  },
  'hw-fallback': {
    when: 'Hardware offloading is requested (`flow_offloading_hw`), fw4 would probe some devices, and the probe '
      + '(`nft -c` with `flags offload`) fails, so fw4 warns and renders a software flowtable.',
    message: (p: { devices: string[]; refused: string[] | null }) => {
      const why = p.refused === null
        ? `the kernel refused a hardware flowtable over ${list(p.devices)}`
        : p.refused.length
          ? `${list(p.refused)} ${p.refused.length === 1 ? 'does' : 'do'} not accept \`flags offload\` (no hardware flow offload support in the driver)`
          : `the kernel refused \`flags offload\` for ${list(p.devices)} together although each passes the probe alone `
            + '(or the snapshot records no probe per device); they may not share one offload-capable switch or NIC';
      return `Hardware offloading was requested but is not used: ${why}. fw4 falls back to software offloading for every `
        + 'device: established flows still skip the firewall, but the CPU forwards every packet and the NIC/switch does not.';
    },
  },
  'not-tcp-udp': {
    when: 'A rule accepts forwarded traffic of a protocol other than TCP or UDP (ICMP, ESP, GRE, IGMP, `all`, …): '
      + 'fw4 offloads only `meta l4proto { tcp, udp }`.',
    message: (p: { protocols: string[]; partly: boolean }) =>
      `${p.partly ? `The ${list(p.protocols)} part of the traffic` : `${list(p.protocols)} traffic`} accepted by this rule is never offloaded `
      + '(fw4 offloads TCP and UDP only): each of its packets passes the whole firewall, so it is slower and costs more CPU than offloaded flows.',
  },
  'conntrack-helper': {
    when: 'Offloading is on and a conntrack helper is assigned to forwarded connections: a zone with automatic '
      + 'helpers (auto_helper, no masq) or an explicit `helper` list, a rule with target helper, or a redirect with `helper`.',
    message: (p: { what: string; helpers: string[] }) =>
      `${p.what} get the conntrack helper${p.helpers.length > 1 ? 's' : ''} ${list(p.helpers)} and are never offloaded: `
      + 'the kernel keeps connections with a helper on the slow path, so they are forwarded through the full firewall at software speed.',
  },
  'nat-port-mapping': {
    when: 'Hardware offloading is in effect and a DNAT redirect maps a port (dest_port differs from src_dport), or an '
      + 'SNAT redirect or nat section rewrites ports (src_dport / snat_port): kmod-nft-offload does not support NAT with port mapping.',
    message: (p: { what: string }) =>
      `${p.what}: the hardware does not take NAT with port mapping, so these connections are not accelerated by the `
      + 'switch/NIC; they stay on the CPU (software fast path at best) while other flows run in hardware.',
  },
  'per-packet-statement': {
    when: 'Offloading is on and a statement that acts on every packet runs where offloaded flows no longer pass: '
      + '`log`, `limit` or `counter` on a mark/DSCP rule in a mangle chain that sees forwarded traffic; or `log`/`limit` '
      + 'on an accepting forward rule for UDP (a UDP flow is offloaded from its second packet, before any reply). '
      + 'Not raised for TCP forward rules: those only ever see packets before the connection is established, offloaded or not.',
    message: (p: { statements: string[]; udpOnly: boolean }) => {
      const effects = list(p.statements.map((s) => EFFECTS[s] ?? s));
      return p.udpOnly
        ? `Its ${list(p.statements)} sees only the first packets of each UDP flow: once the flow is offloaded (from its second packet) `
          + `the remaining packets bypass the rule, so ${effects}.`
        : `Its ${list(p.statements)} acts only on the first packets of each connection: once the flow is offloaded the rest `
          + `bypass this chain, so ${effects}.`;
    },
  },
  'mangle-after-offload': {
    when: 'Offloading is on and a rule sets a mark or DSCP in a mangle chain that sees forwarded traffic '
      + '(mangle_forward, mangle_prerouting, mangle_postrouting).',
    message: (p: { what: string }) =>
      `${p.what} is applied only to the first packets of each connection: once the flow is offloaded, later packets `
      + 'keep their original value, so QoS, traffic shaping or policy routing that relies on it stops seeing them.',
  },
  'bridge-isolation': {
    when: 'Hardware offloading is in effect and a flowtable device is a bridge port with isolation enabled '
      + '(/sys/class/net/DEV/brport/isolated is 1): kmod-nft-offload does not support bridge port isolation.',
    message: (p: { port: string; bridge: string }) =>
      `${p.port} is an isolated port of ${p.bridge}, and hardware offloading does not support bridge port isolation: `
      + `do not rely on the isolation for flows the hardware forwards through ${p.port}.`,
  },
  ipsec: {
    when: 'Offloading is on and the router terminates IPsec: a rule accepts ESP/AH or UDP 500/4500 to the router, '
      + 'or a zone holds an xfrm/vti interface. Packets decrypted by IPsec carry a security path and are never offloaded.',
    message: (p: { what: string }) =>
      `${p.what}: traffic the router decrypts from IPsec tunnels is never offloaded (the kernel skips packets with an IPsec `
      + 'security path), so VPN traffic is forwarded through the full firewall at software speed.',
  },
  notrack: {
    when: 'Offloading is on and a rule with target notrack matches traffic: untracked packets have no conntrack entry, '
      + 'which offloading needs.',
    message: () =>
      'Connections matched by this rule are not tracked, so they can never be offloaded: every packet takes the normal path.',
  },
  'include-on-offloaded-path': {
    when: 'Offloading is on and an nftables include places rules into chain forward, mangle_forward, mangle_prerouting '
      + 'or mangle_postrouting, which offloaded packets skip.',
    message: (p: { chain: string }) =>
      `The rules this include adds to chain ${p.chain} see only the packets of a connection before it is offloaded; `
      + 'after that they no longer match, count, log or mangle its packets.',
  },
  'offload-option-ignored': {
    when: "A section carries uci-fw4's `offload` option where it changes nothing: offloading is off, the rule does "
      + 'not accept forwarded traffic, or it matches no TCP/UDP.',
    message: (p: { why: string }) => `Its \`offload\` option has no effect: ${p.why}.`,
  },
} satisfies Record<FindingKind, KindEntry>;

/** Every kind, in the order findings are reported. */
export const FINDING_KINDS = Object.keys(KINDS) as FindingKind[];

/** A finding's short form in the `reasons` of the zone pairs it applies to (null: not shown there). */
export const PATH_NOTES: Readonly<Record<FindingKind, string | null>> = {
  'device-not-in-flowtable': null,
  'hw-fallback': null,
  'not-tcp-udp': 'its non-TCP/UDP traffic is never offloaded',
  'conntrack-helper': 'connections with a conntrack helper stay on the slow path',
  'nat-port-mapping': 'its port-mapped NAT is not offloaded to hardware',
  'per-packet-statement': 'its per-packet statements stop once flows are offloaded',
  'mangle-after-offload': 'its mark/DSCP applies to the first packets only',
  'bridge-isolation': 'isolation of its bridge port is not guaranteed in hardware',
  ipsec: 'traffic decrypted from IPsec is never offloaded',
  notrack: 'untracked flows are never offloaded',
  'include-on-offloaded-path': null,
  'offload-option-ignored': null,
};
