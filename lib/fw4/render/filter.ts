// The template's "Filter rules": the base chains (input, forward, output, prerouting), the reject
// and syn flood handlers, then each zone's chains.
import type { Zone } from '../load/model.js';
import { renderOffloadStatements } from './offload.js';
import type { RulesetWriter } from './writer.js';
import { renderDropInvalid, renderZoneJump, renderZoneVerdict } from './zone.js';

const VMAP = (dropInvalid: boolean) =>
  `ct state vmap { established : accept, related : accept${dropInvalid ? ', invalid : drop' : ''} }`;

const policy = (p: string) => (p === 'reject' ? 'drop' : p);

/** The head of chain input or output: hook and policy, loopback traffic, includes, conntrack states. */
function hostChainHead(c: RulesetWriter, chain: 'input' | 'output', loopback: string, flows: string): void {
  const d = c.rs.defaults;
  c.w(`\tchain ${chain} {\n\t\ttype filter hook ${chain} priority filter; policy ${policy(d[chain])};\n\n`);
  c.w(`\t\t${loopback}\n\n`);
  c.includes('chain-prepend', chain);
  c.w(`\t\t${VMAP(d.dropInvalid)} comment "!fw4: Handle ${flows} flows"\n`);
}

function inputChain(c: RulesetWriter): void {
  const { rs } = c;
  const d = rs.defaults;
  hostChainHead(c, 'input', 'iif "lo" accept comment "!fw4: Accept traffic from loopback"', 'inbound');
  if (d.synflood) c.w('\t\ttcp flags & (fin | syn | rst | ack) == syn jump syn_flood comment "!fw4: Rate limit TCP syn packets"\n');
  c.ruleLines('input', null);
  for (const z of rs.zones) for (const m of z.matchRules) c.w(`\t\t${renderZoneJump(z, m, 'input')}`, z.origin);
  if (d.input === 'reject') c.w('\t\tjump handle_reject\n');
  c.includes('chain-append', 'input');
  c.w('\t}\n\n');
}

/** The forward chain; returns chain handle_offload's text for its place after handle_reject. */
function forwardChain(c: RulesetWriter): string {
  const { rs } = c;
  const d = rs.defaults;
  const zonesByName = new Map(rs.zones.map((z) => [z.name, z]));
  c.w(`\tchain forward {\n\t\ttype filter hook forward priority filter; policy ${policy(d.forward)};\n\n`);
  // fw4's single offload statement, unless uci-fw4's selective `offload` option is in use
  const offload = rs.flowtable && rs.flowtable.devices.length ? renderOffloadStatements(rs) : null;
  if (offload) c.w(offload.forward);
  c.includes('chain-prepend', 'forward');
  c.w(`\t\t${VMAP(d.dropInvalid)} comment "!fw4: Handle forwarded flows"\n`);
  c.ruleLinesWith('forward', (r) => {
    const src = r.srcZone ? zonesByName.get(r.srcZone) : undefined;
    return src?.logLimit ? src : r.destZone ? zonesByName.get(r.destZone) ?? null : null;
  });
  for (const z of rs.zones) for (const m of z.matchRules) c.w(`\t\t${renderZoneJump(z, m, 'forward')}`, z.origin);
  c.includes('chain-append', 'forward');
  if (d.forward === 'reject') c.w('\t\tjump handle_reject\n');
  c.w('\t}\n\n');
  return offload?.chain ?? '';
}

function outputChain(c: RulesetWriter): void {
  const { rs } = c;
  const d = rs.defaults;
  hostChainHead(c, 'output', 'oif "lo" accept comment "!fw4: Accept traffic towards loopback"', 'outbound');
  c.ruleLines('output', null);
  for (const z of rs.zones) {
    const split = rs.loopback.get(z.name) ?? [];
    z.matchRules.forEach((m, i) => {
      const l = split[i];
      if (z.dflags.has('helper') && (l?.localDevices || l?.localSubnets)) {
        c.w(`\t\t${renderZoneJump(z, { ...m, devicesPos: l.localDevices, subnetsPos: l.localSubnets }, 'helper')}`, z.origin);
      }
      c.w(`\t\t${renderZoneJump(z, m, 'output')}`, z.origin);
    });
  }
  c.includes('chain-append', 'output');
  if (d.output === 'reject') c.w('\t\tjump handle_reject\n');
  c.w('\t}\n\n');
}

/** The jumps of zones with `flag` chains from a prerouting hook: their non-loopback matches. */
export function ingressJumps(c: RulesetWriter, flag: 'helper' | 'notrack'): void {
  for (const z of c.rs.zones) {
    if (!z.dflags.has(flag)) continue;
    const split = c.rs.loopback.get(z.name) ?? [];
    z.matchRules.forEach((m, i) => {
      const l = split[i];
      if (m.devicesNeg || m.subnetsNeg || l?.ingressDevices || l?.ingressSubnets) {
        c.w(`\t\t${renderZoneJump(z, { ...m, devicesPos: l?.ingressDevices, subnetsPos: l?.ingressSubnets }, flag)}`, z.origin);
      }
    });
  }
}

function handlers(c: RulesetWriter, offloadChain: string): void {
  const d = c.rs.defaults;
  const code = (k: string) => (k !== 'tcp-reset' ? `icmpx type ${k}` : 'tcp reset');
  c.w(`\tchain handle_reject {\n\t\tmeta l4proto tcp reject with ${code(d.tcpRejectCode)} comment "!fw4: Reject TCP traffic"\n`);
  c.w(`\t\treject with ${code(d.anyRejectCode)} comment "!fw4: Reject any other traffic"\n\t}\n\n`);
  c.w(offloadChain);
  if (d.synflood) {
    const { rate, burst } = d.synflood;
    c.w(`\tchain syn_flood {\n\t\tlimit rate ${rate.rate}/${rate.unit}${burst ? ` burst ${burst} packets` : ''} return comment "!fw4: Accept SYN packets below rate-limit"\n`);
    c.w('\t\tdrop comment "!fw4: Drop excess packets"\n\t}\n\n');
  }
}

function zoneChains(c: RulesetWriter, z: Zone): void {
  const d = c.rs.defaults;
  const chain = (prefix: 'input' | 'output' | 'forward', dnat: string | null, jump: string) => {
    c.w(`\tchain ${prefix}_${z.name} {\n`);
    c.includes('chain-prepend', `${prefix}_${z.name}`);
    c.ruleLines(`${prefix}_${z.name}`, z);
    if (dnat && z.dflags.has('dnat')) c.w(`\t\tct status dnat accept comment "!fw4: ${dnat}"\n`, z.origin);
    c.includes('chain-append', `${prefix}_${z.name}`);
    c.w(`\t\tjump ${jump}\n`, z.origin);
  };
  chain('input', 'Accept port redirections', `${z.input}_from_${z.name}`);
  c.w('\t}\n\n');
  chain('output', null, `${z.output}_to_${z.name}`);
  c.w('\t}\n\n');
  chain('forward', 'Accept port forwards', `${z.forward}_to_${z.name}`);
  if (d.forward !== 'accept' && z.log & 1) {
    c.w(`\t\t${z.logLimit ? `limit name "${z.name}.log_limit" ` : ''}log prefix "${d.forward} ${z.name} forward: "\n`, z.origin);
  }
  c.w('\t}\n\n');
  if (z.dflags.has('helper')) {
    c.w(`\tchain helper_${z.name} {\n`);
    c.ruleLines(`helper_${z.name}`, z);
    c.w('\t}\n\n');
  }
  for (const verdict of ['accept', 'reject', 'drop']) {
    if (z.sflags.has(verdict)) {
      c.w(`\tchain ${verdict}_from_${z.name} {\n`);
      for (const m of z.matchRules) c.w(`\t\t${renderZoneVerdict(z, m, false, verdict)}`, z.origin);
      c.w('\t}\n\n');
    }
    if (z.dflags.has(verdict)) {
      c.w(`\tchain ${verdict}_to_${z.name} {\n`);
      for (const m of z.matchRules) {
        if (!d.dropInvalid && verdict === 'accept' && (z.masq || z.masq6) && !z.masqAllowInvalid) {
          c.w(`\t\t${renderDropInvalid(z, m)}`, z.origin);
        }
        c.w(`\t\t${renderZoneVerdict(z, m, true, verdict)}`, z.origin);
      }
      c.w('\t}\n\n');
    }
  }
}

export function renderFilterRules(c: RulesetWriter): void {
  c.w('\n\n\t#\n\t# Filter rules\n\t#\n\n');
  inputChain(c);
  const offloadChain = forwardChain(c);
  outputChain(c);
  c.w('\tchain prerouting {\n\t\ttype filter hook prerouting priority filter; policy accept;\n');
  ingressJumps(c, 'helper');
  c.w('\t}\n\n');
  handlers(c, offloadChain);
  for (const z of c.rs.zones) zoneChains(c, z);
}
