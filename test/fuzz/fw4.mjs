// Random firewall configs through translateFirewall, over the example system snapshot. Sections
// and option names come from the option table (schemas/firewall), values from a pool of what
// each kind of option takes (valid, malformed, negated, hostile) and random strings. fw4 itself
// stops on some inputs (Fw4RuntimeError, its exit 254): that is an outcome, any other exception
// is a crash. The ruleset must be text.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { defaultHelpers, Fw4RuntimeError, OPTION_SPECS, parseDocument, SnapshotView, translateFirewall } from '../../dist/lib/index.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const system = new SnapshotView(JSON.parse(readFileSync(`${repo}examples/snapshot.json`, 'utf8')));
const helpers = defaultHelpers();

const pool = [
  '0', '1', '-1', '65536', 'yes', 'off', 'maybe', '', ' ',
  'lan', 'wan', 'guest', '*', 'lan wan', 'br-lan', 'eth0', 'pppoe-wan', 'a-very-long-device-name}x',
  'tcp', 'udp', 'tcpudp', 'icmp', 'all', '!tcp', '47', 'sctp udplite',
  '22', '1024-65535', '!80', '80 443', '0-0', '65535-1', 'ssh',
  '10.0.0.1', '192.168.1.0/24', '!10.0.0.0/8', '10.0.0.1-10.0.0.9', 'fd00::/64', '::1', '1.2.3.4/255.255.0.0', '300.1.1.1', 'lan_subnet',
  'ACCEPT', 'REJECT', 'DROP', 'MARK', 'DNAT', 'SNAT', 'MASQUERADE', 'NOTRACK', 'HELPER', 'accept', 'jump',
  'ipv4', 'ipv6', 'any', 'inet',
  '10/minute', '5/sec', '3', 'banana/s',
  '0xff', '0x10/0xff', '!0x1', 'CS1', 'af41', '0x3f',
  '2024-01-01T00:00:00', '12:00', 'Mon Tue', '1 15 31', 'utc',
  'src', 'dest', 'src_ip dest_port', 'hash:ip', 'bitmap:port', 'net,port',
  'ftp', 'sip', 'rtsp', 'x',
  "it's", 'a"b', 'back\\slash', '{ 1 }', 'a;b', '@x', '$(reboot)', '\u00e9',
];
const value = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });
const types = Object.keys(OPTION_SPECS);

// a UCI value in single quotes, libuci's escape for a quote inside
const q = (v) => `'${v.replaceAll("'", "'\\''")}'`;

const section = fc.constantFrom(...types).chain((type) => {
  const names = OPTION_SPECS[type].map((o) => o.name);
  const option = fc.tuple(fc.constantFrom(...names, 'bogus_option'), fc.boolean(), fc.array(value, { minLength: 1, maxLength: 3 }))
    .map(([name, list, vals]) => (list ? vals.map((v) => `\tlist ${name} ${q(v)}`).join('\n') : `\toption ${name} ${q(vals.join(' '))}`));
  // names repeat within a type only: libuci refuses a name reused by another type
  return fc.tuple(fc.constant(type), fc.option(fc.constantFrom('a', 'lan', 'wan', 'x1').map((n) => `${type}_${n}`)), fc.array(option, { maxLength: 8 }));
}).map(([type, name, options]) => [`config ${type}${name ? ` ${q(name)}` : ''}`, ...options].join('\n'));

export const fw4Target = {
  name: 'fw4',
  arbitrary: fc.array(section, { maxLength: 10 }).map((s) => s.join('\n\n') + '\n'),
  check(text) {
    const firewall = parseDocument(text, { name: 'firewall' }).toPackage();
    try {
      const out = translateFirewall({ firewall, helpers, system });
      if (typeof out.text !== 'string') throw new Error('no ruleset text');
      return out.diagnostics.length ? 'warned' : 'clean';
    } catch (e) {
      if (e instanceof Fw4RuntimeError) return 'fw4 error';
      throw e;
    }
  },
};
