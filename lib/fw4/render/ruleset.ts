// The whole ruleset text, laid out exactly as fw4's templates/ruleset.uc prints it.
import type { Zone } from '../load/model.js';
import type { Ruleset, RuleSpec } from '../compile/types.js';
import { quote, set } from './format.js';
import { renderRedirect, renderRule, type LogZone } from './rule.js';
import { renderOffloadStatements } from '../offload/report/selective.js';
import { renderDropInvalid, renderMasquerade, renderMssFix, renderZoneJump, renderZoneVerdict } from './zone.js';

function byChain(rules: readonly RuleSpec[]): Map<string, RuleSpec[]> {
  const map = new Map<string, RuleSpec[]>();
  for (const r of rules) {
    const list = map.get(r.chain);
    if (list) list.push(r);
    else map.set(r.chain, [r]);
  }
  return map;
}

const VMAP = (dropInvalid: boolean) =>
  `ct state vmap { established : accept, related : accept${dropInvalid ? ', invalid : drop' : ''} }`;

export function renderRuleset(rs: Ruleset): string {
  const out: string[] = [];
  const w = (s: string) => out.push(s);
  const rules = byChain(rs.rules);
  const redirects = byChain(rs.redirects);
  const zonesByName = new Map(rs.zones.map((z) => [z.name, z]));
  const d = rs.defaults;
  const policy = (p: string) => (p === 'reject' ? 'drop' : p);

  const includes = (position: string, chain?: string) => {
    const pad = position.startsWith('table-') ? '\t' : position.startsWith('chain-') ? '\t\t' : '';
    const pre = position.startsWith('chain-') ? '' : '\n';
    let body = '';
    for (const inc of rs.includes) {
      if (inc.type === 'nftables' && inc.position === position && (!chain || inc.chain === chain)) {
        body += `${pad}include "${inc.path}"\n`;
      }
    }
    if (body) w(pre + body);
  };
  const ruleLines = (chain: string, zone: LogZone | null) => {
    for (const r of rules.get(chain) ?? []) w(`\t\t${renderRule(r, zone)}`);
  };
  const redirectLines = (chain: string, zone: LogZone | null) => {
    for (const r of redirects.get(chain) ?? []) w(`\t\t${renderRedirect(r, zone)}`);
  };
  const zoneChains = (z: Zone) => rs.loopback.get(z.name) ?? [];

  w('table inet fw4\nflush table inet fw4\n');
  if (rs.deleteFlowtable) w('delete flowtable inet fw4 ft\n');
  includes('ruleset-prepend');
  w('\ntable inet fw4 {\n');
  if (rs.flowtable && rs.flowtable.devices.length) {
    w('\t#\n\t# Flowtable\n\t#\n\n\tflowtable ft {\n\t\thook ingress priority 0;\n');
    w(`\t\tdevices = ${set(rs.flowtable.devices, true)};\n\t\tcounter;\n`);
    if (rs.flowtable.hardware) w('\t\tflags offload;\n');
    w('\t}\n\n\n');
  }
  if (rs.helpers.length) {
    w('\t#\n\t# CT helper definitions\n\t#\n\n');
    for (const h of rs.helpers) w(`\tct helper ${h.name} {\n\t\ttype ${quote(h.name, true)} protocol ${h.proto};\n\t}\n\n`);
    w('\n');
  }
  if (rs.sets.length) {
    w('\t#\n\t# Set definitions\n\t#\n\n');
    for (const { set: s, entries } of rs.sets) {
      w(`\tset ${s.name} {\n`);
      if (s.comment) w(`\t\tcomment ${quote(s.comment, true)}\n`);
      w(`\t\ttype ${s.types.join(' . ')}\n`);
      if ((s.maxelem ?? 0) > 0) w(`\t\tsize ${s.maxelem}\n`);
      if (s.timeout > 0) w(`\t\ttimeout ${s.timeout}s\n`);
      if (s.interval) w('\t\tauto-merge\n');
      if (s.flags) w(`\t\tflags ${s.flags.join(',')}\n`);
      if (entries.length) {
        w('\t\telements = {\n');
        for (const e of entries) w(`\t\t\t${e.join(' . ')},\n`);
        w('\t\t}\n');
      }
      w('\t}\n\n');
    }
    w('\n');
  }
  w('\t#\n\t# Defines\n\t#\n\n');
  for (const z of rs.zones) {
    const n = z.name.replace(/^[0-9]/, '_$&');
    w(`\tdefine ${n}_devices = ${set(z.matchDevices, true)}\n\tdefine ${n}_subnets = ${set(z.matchSubnets, true)}\n\n`);
  }
  w('\n');
  const limited = rs.zones.filter((z) => z.logLimit);
  if (limited.length) {
    w('\t#\n\t# Limits\n\t#\n\n');
    for (const z of limited) {
      w(`\tlimit ${z.name}.log_limit {\n\t\tcomment "${z.name} log limit"\n\t\trate ${z.logLimit!.rate}/${z.logLimit!.unit}\n\t}\n\n`);
    }
    w('\n');
  }
  w('\t#\n\t# User includes\n\t#\n\n\tinclude "/etc/nftables.d/*.nft"\n');
  includes('table-prepend');
  w('\n\n\t#\n\t# Filter rules\n\t#\n\n');

  w(`\tchain input {\n\t\ttype filter hook input priority filter; policy ${policy(d.input)};\n\n`);
  w('\t\tiif "lo" accept comment "!fw4: Accept traffic from loopback"\n\n');
  includes('chain-prepend', 'input');
  w(`\t\t${VMAP(d.dropInvalid)} comment "!fw4: Handle inbound flows"\n`);
  if (d.synflood) w('\t\ttcp flags & (fin | syn | rst | ack) == syn jump syn_flood comment "!fw4: Rate limit TCP syn packets"\n');
  ruleLines('input', null);
  for (const z of rs.zones) for (const m of z.matchRules) w(`\t\t${renderZoneJump(z, m, 'input')}`);
  if (d.input === 'reject') w('\t\tjump handle_reject\n');
  includes('chain-append', 'input');
  w('\t}\n\n');

  w(`\tchain forward {\n\t\ttype filter hook forward priority filter; policy ${policy(d.forward)};\n\n`);
  // fw4's single offload statement, unless uci-fw4's selective `offload` option is in use
  const offload = rs.flowtable && rs.flowtable.devices.length ? renderOffloadStatements(rs) : null;
  if (offload) w(offload.forward);
  includes('chain-prepend', 'forward');
  w(`\t\t${VMAP(d.dropInvalid)} comment "!fw4: Handle forwarded flows"\n`);
  for (const r of rules.get('forward') ?? []) {
    const src = r.srcZone ? zonesByName.get(r.srcZone) : undefined;
    const zone = src?.logLimit ? src : r.destZone ? zonesByName.get(r.destZone) ?? null : null;
    w(`\t\t${renderRule(r, zone)}`);
  }
  for (const z of rs.zones) for (const m of z.matchRules) w(`\t\t${renderZoneJump(z, m, 'forward')}`);
  includes('chain-append', 'forward');
  if (d.forward === 'reject') w('\t\tjump handle_reject\n');
  w('\t}\n\n');

  w(`\tchain output {\n\t\ttype filter hook output priority filter; policy ${policy(d.output)};\n\n`);
  w('\t\toif "lo" accept comment "!fw4: Accept traffic towards loopback"\n\n');
  includes('chain-prepend', 'output');
  w(`\t\t${VMAP(d.dropInvalid)} comment "!fw4: Handle outbound flows"\n`);
  ruleLines('output', null);
  for (const z of rs.zones) {
    const split = zoneChains(z);
    z.matchRules.forEach((m, i) => {
      if (z.dflags.has('helper')) {
        const l = split[i];
        if (l?.localDevices || l?.localSubnets) {
          w(`\t\t${renderZoneJump(z, { ...m, devicesPos: l.localDevices, subnetsPos: l.localSubnets }, 'helper')}`);
        }
      }
      w(`\t\t${renderZoneJump(z, m, 'output')}`);
    });
  }
  includes('chain-append', 'output');
  if (d.output === 'reject') w('\t\tjump handle_reject\n');
  w('\t}\n\n');

  w('\tchain prerouting {\n\t\ttype filter hook prerouting priority filter; policy accept;\n');
  for (const z of rs.zones) {
    if (!z.dflags.has('helper')) continue;
    const split = zoneChains(z);
    z.matchRules.forEach((m, i) => {
      const l = split[i];
      if (m.devicesNeg || m.subnetsNeg || l?.ingressDevices || l?.ingressSubnets) {
        w(`\t\t${renderZoneJump(z, { ...m, devicesPos: l?.ingressDevices, subnetsPos: l?.ingressSubnets }, 'helper')}`);
      }
    });
  }
  w('\t}\n\n');

  const code = (c: string) => (c !== 'tcp-reset' ? `icmpx type ${c}` : 'tcp reset');
  w(`\tchain handle_reject {\n\t\tmeta l4proto tcp reject with ${code(d.tcpRejectCode)} comment "!fw4: Reject TCP traffic"\n`);
  w(`\t\treject with ${code(d.anyRejectCode)} comment "!fw4: Reject any other traffic"\n\t}\n\n`);
  if (offload) w(offload.chain);
  if (d.synflood) {
    const { rate, burst } = d.synflood;
    w(`\tchain syn_flood {\n\t\tlimit rate ${rate.rate}/${rate.unit}${burst ? ` burst ${burst} packets` : ''} return comment "!fw4: Accept SYN packets below rate-limit"\n`);
    w('\t\tdrop comment "!fw4: Drop excess packets"\n\t}\n\n');
  }

  for (const z of rs.zones) {
    w(`\tchain input_${z.name} {\n`);
    includes('chain-prepend', `input_${z.name}`);
    ruleLines(`input_${z.name}`, z);
    if (z.dflags.has('dnat')) w('\t\tct status dnat accept comment "!fw4: Accept port redirections"\n');
    includes('chain-append', `input_${z.name}`);
    w(`\t\tjump ${z.input}_from_${z.name}\n\t}\n\n`);

    w(`\tchain output_${z.name} {\n`);
    includes('chain-prepend', `output_${z.name}`);
    ruleLines(`output_${z.name}`, z);
    includes('chain-append', `output_${z.name}`);
    w(`\t\tjump ${z.output}_to_${z.name}\n\t}\n\n`);

    w(`\tchain forward_${z.name} {\n`);
    includes('chain-prepend', `forward_${z.name}`);
    ruleLines(`forward_${z.name}`, z);
    if (z.dflags.has('dnat')) w('\t\tct status dnat accept comment "!fw4: Accept port forwards"\n');
    includes('chain-append', `forward_${z.name}`);
    w(`\t\tjump ${z.forward}_to_${z.name}\n`);
    if (d.forward !== 'accept' && z.log & 1) {
      w(`\t\t${z.logLimit ? `limit name "${z.name}.log_limit" ` : ''}log prefix "${d.forward} ${z.name} forward: "\n`);
    }
    w('\t}\n\n');

    if (z.dflags.has('helper')) {
      w(`\tchain helper_${z.name} {\n`);
      ruleLines(`helper_${z.name}`, z);
      w('\t}\n\n');
    }
    for (const verdict of ['accept', 'reject', 'drop']) {
      if (z.sflags.has(verdict)) {
        w(`\tchain ${verdict}_from_${z.name} {\n`);
        for (const m of z.matchRules) w(`\t\t${renderZoneVerdict(z, m, false, verdict)}`);
        w('\t}\n\n');
      }
      if (z.dflags.has(verdict)) {
        w(`\tchain ${verdict}_to_${z.name} {\n`);
        for (const m of z.matchRules) {
          if (!d.dropInvalid && verdict === 'accept' && (z.masq || z.masq6) && !z.masqAllowInvalid) {
            w(`\t\t${renderDropInvalid(z, m)}`);
          }
          w(`\t\t${renderZoneVerdict(z, m, true, verdict)}`);
        }
        w('\t}\n\n');
      }
    }
  }

  w('\n\t#\n\t# NAT rules\n\t#\n\n');
  w('\tchain dstnat {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n');
  includes('chain-prepend', 'dstnat');
  for (const z of rs.zones) if (z.dflags.has('dnat')) for (const m of z.matchRules) w(`\t\t${renderZoneJump(z, m, 'dstnat')}`);
  includes('chain-append', 'dstnat');
  w('\t}\n\n');
  w('\tchain srcnat {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n');
  includes('chain-prepend', 'srcnat');
  redirectLines('srcnat', null);
  for (const z of rs.zones) if (z.dflags.has('snat')) for (const m of z.matchRules) w(`\t\t${renderZoneJump(z, m, 'srcnat')}`);
  includes('chain-append', 'srcnat');
  w('\t}\n\n');
  for (const z of rs.zones) {
    if (z.dflags.has('dnat')) {
      w(`\tchain dstnat_${z.name} {\n`);
      includes('chain-prepend', `dstnat_${z.name}`);
      redirectLines(`dstnat_${z.name}`, z);
      includes('chain-append', `dstnat_${z.name}`);
      w('\t}\n\n');
    }
    if (z.dflags.has('snat')) {
      w(`\tchain srcnat_${z.name} {\n`);
      includes('chain-prepend', `srcnat_${z.name}`);
      redirectLines(`srcnat_${z.name}`, z);
      if (z.masq) for (const s of z.masq4Src) for (const t of z.masq4Dest) w(`\t\t${renderMasquerade(z, 4, s, t)}`);
      if (z.masq6) for (const s of z.masq6Src) for (const t of z.masq6Dest) w(`\t\t${renderMasquerade(z, 6, s, t)}`);
      includes('chain-append', `srcnat_${z.name}`);
      w('\t}\n\n');
    }
  }

  w('\n\t#\n\t# Raw rules (notrack)\n\t#\n\n');
  w('\tchain raw_prerouting {\n\t\ttype filter hook prerouting priority raw; policy accept;\n');
  for (const z of rs.zones) {
    if (!z.dflags.has('notrack')) continue;
    const split = zoneChains(z);
    z.matchRules.forEach((m, i) => {
      const l = split[i];
      if (m.devicesNeg || m.subnetsNeg || l?.ingressDevices || l?.ingressSubnets) {
        w(`\t\t${renderZoneJump(z, { ...m, devicesPos: l?.ingressDevices, subnetsPos: l?.ingressSubnets }, 'notrack')}`);
      }
    });
  }
  includes('chain-append', 'raw_prerouting');
  w('\t}\n\n');
  w('\tchain raw_output {\n\t\ttype filter hook output priority raw; policy accept;\n');
  includes('chain-prepend', 'raw_output');
  for (const z of rs.zones) {
    if (!z.dflags.has('notrack')) continue;
    const split = zoneChains(z);
    z.matchRules.forEach((m, i) => {
      const l = split[i];
      if (l?.localDevices || l?.localSubnets) {
        w(`\t\t${renderZoneJump(z, { ...m, devicesPos: l.localDevices, subnetsPos: l.localSubnets }, 'notrack')}`);
      }
    });
  }
  includes('chain-append', 'raw_output');
  w('\t}\n\n');
  for (const z of rs.zones) {
    if (!z.dflags.has('notrack')) continue;
    w(`\tchain notrack_${z.name} {\n`);
    ruleLines(`notrack_${z.name}`, z);
    w('\t}\n\n');
  }

  w('\n\t#\n\t# Mangle rules\n\t#\n\n');
  const mangle = (chain: string, hook: string, mss?: boolean) => {
    w(`\tchain ${chain} {\n\t\ttype ${hook} priority mangle; policy accept;\n`);
    includes('chain-prepend', chain);
    ruleLines(chain, null);
    if (mss !== undefined) {
      for (const z of rs.zones) if (z.mtuFix) for (const m of z.matchRules) w(`\t\t${renderMssFix(z, m, mss)}`);
    }
    includes('chain-append', chain);
    w('\t}\n');
  };
  mangle('mangle_prerouting', 'filter hook prerouting');
  w('\n');
  mangle('mangle_postrouting', 'filter hook postrouting', true);
  w('\n');
  mangle('mangle_input', 'filter hook input');
  w('\n');
  mangle('mangle_output', 'route hook output');
  w('\n');
  mangle('mangle_forward', 'filter hook forward', false);
  includes('table-append');
  w('}\n');
  includes('ruleset-append');
  return out.join('');
}
