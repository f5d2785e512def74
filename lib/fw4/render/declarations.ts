// The template's declarations at the top of table inet fw4: Flowtable, CT helper definitions, Set
// definitions, Defines, Limits and User includes (ruleset.uc, up to "Filter rules").
import { quote, set } from './format.js';
import type { RulesetWriter } from './writer.js';

export function renderDeclarations(c: RulesetWriter): void {
  const { rs } = c;
  if (rs.flowtable && rs.flowtable.devices.length) {
    c.w('\t#\n\t# Flowtable\n\t#\n\n\tflowtable ft {\n\t\thook ingress priority 0;\n');
    c.w(`\t\tdevices = ${set(rs.flowtable.devices, true)};\n\t\tcounter;\n`);
    if (rs.flowtable.hardware) c.w('\t\tflags offload;\n');
    c.w('\t}\n\n\n');
  }
  if (rs.helpers.length) {
    c.w('\t#\n\t# CT helper definitions\n\t#\n\n');
    for (const h of rs.helpers) c.w(`\tct helper ${h.name} {\n\t\ttype ${quote(h.name, true)} protocol ${h.proto};\n\t}\n\n`);
    c.w('\n');
  }
  if (rs.sets.length) {
    c.w('\t#\n\t# Set definitions\n\t#\n\n');
    for (const { set: s, entries } of rs.sets) {
      c.w(`\tset ${s.name} {\n`, s.origin);
      if (s.comment) c.w(`\t\tcomment ${quote(s.comment, true)}\n`, s.origin);
      c.w(`\t\ttype ${s.types.join(' . ')}\n`, s.origin);
      if ((s.maxelem ?? 0) > 0) c.w(`\t\tsize ${s.maxelem}\n`, s.origin);
      if (s.timeout > 0) c.w(`\t\ttimeout ${s.timeout}s\n`, s.origin);
      if (s.interval) c.w('\t\tauto-merge\n', s.origin);
      if (s.flags) c.w(`\t\tflags ${s.flags.join(',')}\n`, s.origin);
      if (entries.length) {
        c.w('\t\telements = {\n', s.origin);
        for (const e of entries) c.w(`\t\t\t${e.join(' . ')},\n`, s.origin);
        c.w('\t\t}\n', s.origin);
      }
      c.w('\t}\n\n');
    }
    c.w('\n');
  }
  c.w('\t#\n\t# Defines\n\t#\n\n');
  for (const z of rs.zones) {
    const n = z.name.replace(/^[0-9]/, '_$&');
    c.w(`\tdefine ${n}_devices = ${set(z.matchDevices, true)}\n\tdefine ${n}_subnets = ${set(z.matchSubnets, true)}\n\n`, z.origin);
  }
  c.w('\n');
  const limited = rs.zones.filter((z) => z.logLimit);
  if (limited.length) {
    c.w('\t#\n\t# Limits\n\t#\n\n');
    for (const z of limited) {
      c.w(`\tlimit ${z.name}.log_limit {\n\t\tcomment "${z.name} log limit"\n\t\trate ${z.logLimit!.rate}/${z.logLimit!.unit}\n\t}\n`, z.origin);
      c.w('\n');
    }
    c.w('\n');
  }
  c.w('\t#\n\t# User includes\n\t#\n\n\tinclude "/etc/nftables.d/*.nft"\n');
  c.includes('table-prepend');
}
