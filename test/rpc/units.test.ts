// The small pieces the server is built from: fnmatch, ACL group selection, password hashes,
// settings, rpcd's value formatting and name rules, the login throttle, reply envelopes, the log.
import fc from 'fast-check';
import { SuccessObject } from 'jsonrpc-lite';
import { describe, expect, it } from 'vitest';
import { grantsFor, userHasPermission, type AclGroup } from '../../rpc/acl.js';
import { successPieces, successText } from '../../rpc/envelope.js';
import { fnmatch } from '../../rpc/fnmatch.js';
import { byteLength, joinStrings, jsonPiece, RawJson, type Json, type JsonPieces } from '../../rpc/json.js';
import { batchedLog } from '../../rpc/log.js';
import { hashPassword, parseHash, verifyPassword } from '../../rpc/password.js';
import { isLoopback, parseListen, parseSettings } from '../../rpc/settings.js';
import { LoginThrottle } from '../../rpc/throttle.js';
import { changeRecord } from '../../lib/ubus/index.js';
import { formatValue, isRpcSection, sectionMatches } from '../../rpc/uci/values.js';
import { isPackageFileName } from '../../lib/uci/index.js';

describe('fnmatch', () => {
  it.each([
    ['*', 'anything/at all', true],
    ['uci', 'uci', true],
    ['uci', 'ucix', false],
    ['luci-*', 'luci-rpc', true],
    ['?ci', 'uci', true],
    ['[a-c]x', 'bx', true],
    ['[!a-c]x', 'bx', false],
    ['[]]', ']', true],
    ['a.b', 'axb', false],
    ['[', '[', true],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(fnmatch(pattern, subject)).toBe(expected);
  });

  it('treats backslash as an escape unless noEscape', () => {
    expect(fnmatch('a\\*', 'a*')).toBe(true);
    expect(fnmatch('a\\*', 'ab')).toBe(false);
    expect(fnmatch('a\\*', 'a\\bc', { noEscape: true })).toBe(true);
  });
});

describe('ACL groups', () => {
  const groups: AclGroup[] = [
    { name: 'unauthenticated', read: [{ scope: 'ubus', grants: [{ object: 'session', func: 'login' }] }] },
    { name: 'net', read: [{ scope: 'uci', grants: [{ object: 'network', func: 'read' }] }], write: [{ scope: 'uci', grants: [] }] },
  ];

  it('gives the anonymous session the unauthenticated group only', () => {
    expect(grantsFor(null, groups)).toEqual([
      { scope: 'ubus', object: 'session', func: 'login' },
      { scope: 'access-group', object: 'unauthenticated', func: 'read' },
    ]);
  });

  it('applies negative patterns first, and write implies read', () => {
    const user = { read: ['!net'], write: ['*'] };
    expect(userHasPermission(user, 'read', 'net')).toBe(false);
    expect(userHasPermission({ read: [], write: ['n*'] }, 'read', 'net')).toBe(true);
    expect(userHasPermission({ read: ['! net', '*'], write: [] }, 'read', 'net')).toBe(false);
  });

  it('grants the access-group entry even for a scope without grants (rpcd)', () => {
    const g = grantsFor({ read: [], write: ['net'] }, groups);
    expect(g).toContainEqual({ scope: 'access-group', object: 'net', func: 'write' });
    expect(g).toContainEqual({ scope: 'uci', object: 'network', func: 'read' });
  });
});

describe('password hashes', () => {
  it('verifies the right password only, and never a malformed hash', async () => {
    const h = await hashPassword('pw', { ln: 4, r: 8, p: 1 });
    expect(parseHash(h)).not.toBeNull();
    expect(await verifyPassword('pw', h)).toBe(true);
    expect(await verifyPassword('pW', h)).toBe(false);
    // a character in the middle of the key: the last one of unpadded base64 carries bits a
    // decoder ignores, so changing it can leave the same key (an occasional false pass)
    const at = h.lastIndexOf('$') + 5;
    const flipped = h.slice(0, at) + (h[at] === 'A' ? 'B' : 'A') + h.slice(at + 1);
    expect(await verifyPassword('pw', flipped)).toBe(false);
    expect(await verifyPassword('pw', h.replace('$scrypt$', '$bcrypt$'))).toBe(false);
    expect(await verifyPassword('pw', undefined)).toBe(false);
    expect(await verifyPassword('', '')).toBe(false);
  });

  it('refuses cost parameters that would exhaust memory', () => {
    expect(parseHash('$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
  });
});

describe('settings', () => {
  it('resolves paths against the settings file and reads users', () => {
    const s = parseSettings(
      'confdir = conf\nacl_dir = /etc/acl\ncors = true\n[user.admin]\npassword = $scrypt$ln=4,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nread = * !secret\n',
      '/srv/x/server.ini',
    );
    expect(s.confdir).toBe('/srv/x/conf');
    expect(s.aclDir).toBe('/etc/acl');
    expect(s.cors).toBe(true);
    expect(s.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(s.users).toEqual([{ username: 'admin', password: expect.stringMatching(/^\$scrypt\$/), read: ['*', '!secret'], write: [] }]);
  });

  it('names the file and the key of a bad value', () => {
    expect(() => parseSettings('confdir = c\nacl_dir = a\nlisten = nowhere', '/x/s.ini')).toThrow("/x/s.ini: 'listen' must be host:port, not 'nowhere'");
    expect(() => parseSettings('acl_dir = a', '/x/s.ini')).toThrow("'confdir' is required");
    expect(() => parseSettings('confdir = c\nacl_dir = a\n[user.x]\npassword = plain', '/x/s.ini')).toThrow('[user.x] password must be a hash');
  });

  it('parses listen addresses and tells loopback ones', () => {
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseListen('0.0.0.0:99999')).toBeNull();
    expect(['127.0.0.1', '127.8.9.10', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.1', '127.0.0.1.evil.example'].some(isLoopback)).toBe(false);
  });
});

describe("rpcd's uci values", () => {
  it('formats blobmsg values as rpcd prints them', () => {
    expect([formatValue('x'), formatValue(true), formatValue(false), formatValue(42), formatValue(-1)]).toEqual(['x', '1', '0', '42', '4294967295']);
    expect(formatValue(2 ** 40)).toBe('1099511627776');
    expect([formatValue(1.5), formatValue(null), formatValue({}), formatValue([])]).toEqual([null, null, null, null]);
  });

  it('accepts section names and @type[n], config names without paths', () => {
    expect(['lan', '@rule[0]', '@[-1]', '@zone[ 2]'].every(isRpcSection)).toBe(true);
    expect(['a-b', '@rule[x]', '@rule[0]x', ''].some(isRpcSection)).toBe(false);
    expect(['network', 'luci_statistics', 'a-b'].every(isPackageFileName)).toBe(true);
    expect(['../x', '/etc/passwd', '.', '..', '.hidden', 'a/b', 'a\\b', '', 'a b'].some(isPackageFileName)).toBe(false);
  });

  it("matches sections as rpc_uci_match_section does", () => {
    const s = { type: 'rule', name: 'r', anonymous: true, index: 0, options: new Map<string, string | string[]>([['proto', 'tcp udp'], ['port', ['22', '80']]]) };
    expect(sectionMatches(s, 'rule', { proto: 'udp' })).toBe(true);
    expect(sectionMatches(s, 'rule', { port: 80 })).toBe(true);
    expect(sectionMatches(s, 'rule', { proto: 'icmp' })).toBe(false);
    // keys the section lacks do not count; one present key must match
    expect(sectionMatches(s, undefined, { missing: 'x', proto: 'tcp' })).toBe(true);
    expect(sectionMatches(s, undefined, { missing: 'x' })).toBe(false);
    expect(sectionMatches(s, undefined, { unusable: {} })).toBe(true);
    expect(sectionMatches(s, 'zone', undefined)).toBe(false);
  });

  it('writes change records as rpcd does', () => {
    expect(changeRecord({ op: 'reorder', package: 'p', section: 's', value: '3' })).toEqual(['order', 's', 3]);
    expect(changeRecord({ op: 'delete', package: 'p', section: 's' })).toEqual(['remove', 's']);
    expect(changeRecord({ op: 'set', package: 'p', section: 's', value: 'zone' })).toEqual(['set', 's', 'zone']);
  });
});

describe('login throttle', () => {
  it('lets free attempts through, then doubles the back-off up to the ceiling', () => {
    let now = 0;
    const t = new LoginThrottle({ freeAttempts: 2, backoffMs: 100, maxBackoffMs: 350 }, () => now);
    t.failed('a');
    expect(t.waitFor('a')).toBe(0);
    t.failed('a');
    expect(t.waitFor('a')).toBe(100);
    expect(t.waitFor('b')).toBe(0);
    t.failed('a');
    expect(t.waitFor('a')).toBe(200);
    t.failed('a');
    t.failed('a');
    expect(t.waitFor('a')).toBe(350);
    now = 400;
    expect(t.waitFor('a')).toBe(0);
    t.succeeded('a');
    t.failed('a');
    expect(t.waitFor('a')).toBe(0);
  });
});

describe('reply envelopes', () => {
  const bytes = (pieces: JsonPieces) => Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

  it('puts a result, in pieces (cached or not) or as a value, into the bytes jsonrpc-lite serializes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.boolean(), (id, result, cached) => {
        const expected = Buffer.from(JSON.stringify(new SuccessObject(id as string, result)));
        const pieces = successPieces(id as Json, [jsonPiece(cached ? new RawJson(JSON.stringify(result)) : (result as Json))]);
        const joined = joinStrings(pieces);
        expect(bytes(joined)).toEqual(expected);
        expect(byteLength(joined)).toBe(expected.length);
        // a cached result stays one untouched buffer between the envelope's two strings
        if (cached) expect(joined.map((p) => typeof p)).toEqual(['string', 'object', 'string']);
        expect(successText(id as Json, result as Json)).toBe(expected.toString());
      }),
    );
  });
});

describe('request log', () => {
  it('writes the lines of one event-loop turn with one write, in order, and what is pending on flush', async () => {
    const writes: string[] = [];
    const log = batchedLog((t) => writes.push(t));
    log.sink('a');
    log.sink('b');
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['a\nb\n']);
    log.sink('c');
    log.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(2);
  });
});
