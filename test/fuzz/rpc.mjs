// JSON-RPC bodies through a real server (in this process, on a loopback port, over the example
// confdir copied to a scratch directory): ubus calls with made-up objects, methods and
// arguments, batches, and bodies that are not JSON-RPC or not JSON. Every answer must be HTTP
// 200 with a JSON-RPC envelope, or a 4xx for a body the server refuses outright; a 5xx, a
// reset connection or an exception escaping to the process is a crash.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { RpcApp } from '../../dist/rpc/app.js';
import { rpcObjects } from '../../dist/rpc/objects/index.js';
import { hashPassword } from '../../dist/rpc/password.js';
import { parseSettings } from '../../dist/rpc/settings.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const ANON = '00000000000000000000000000000000';

let dir;
let app;
let server;
let agent;
let sid = ANON;
const escaped = [];
const onUncaught = (e) => escaped.push(e);

function post(body) {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/ubus`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.end(body);
  });
}

const json = fc.jsonValue({ maxDepth: 3 });
const objects = fc.constantFrom('session', 'uci', 'firewall', 'luci', 'luci-rpc', 'network', 'network.interface', 'file', 'rc', 'system', 'nope', '*', '');
const methods = fc.constantFrom('login', 'access', 'list', 'get', 'set', 'add', 'delete', 'rename', 'order', 'changes', 'revert', 'commit', 'apply', 'confirm', 'rollback', 'configs', 'state', 'print', 'check', 'offload', 'read', 'stat', 'exec', 'dump', 'getFeatures', 'destroy', 'grant', 'x');
const configs = fc.constantFrom('firewall', 'network', 'dhcp', '../etc', 'fire wall', '', 'a'.repeat(300));
const args = fc.oneof(
  fc.record({ config: configs, section: fc.option(fc.string({ maxLength: 12 })), option: fc.option(fc.string({ maxLength: 12 })), values: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 })))), type: fc.option(fc.string({ maxLength: 8 })) }, { requiredKeys: [] }),
  fc.record({ username: fc.constantFrom('root', 'x', ''), password: fc.string({ maxLength: 12 }), timeout: fc.option(fc.oneof(fc.integer(), fc.string())) }, { requiredKeys: [] }),
  fc.record({ path: fc.constantFrom('/etc/config/firewall', '/etc/shadow', '../../etc/passwd', '/tmp', '', '/'), command: fc.constantFrom('/bin/sh', 'ls') }, { requiredKeys: [] }),
  json,
);
const call = fc.record({
  jsonrpc: fc.constantFrom('2.0', '2.0', '2.0', '1.0', 2),
  id: fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.constant(null)),
  method: fc.constantFrom('call', 'call', 'call', 'list', 'x'),
  params: fc.oneof(
    fc.tuple(fc.constantFrom('SID', ANON, 'x', ''), objects, methods, args),
    fc.tuple(fc.constantFrom('SID', ANON), fc.array(objects, { maxLength: 3 })),
    json,
  ),
}, { requiredKeys: ['method'] });

export const rpcTarget = {
  name: 'rpc',
  concurrency: 16,
  arbitrary: fc.oneof(
    { weight: 6, arbitrary: call.map((c) => ({ kind: 'call', body: c })) },
    { weight: 2, arbitrary: fc.array(call, { maxLength: 5 }).map((b) => ({ kind: 'batch', body: b })) },
    { weight: 1, arbitrary: json.map((j) => ({ kind: 'json', body: j })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((t) => ({ kind: 'text', text: t })) },
  ),
  async start() {
    dir = mkdtempSync(join(tmpdir(), 'uci-fw4-fuzz-rpc-'));
    cpSync(join(repo, 'examples/config'), join(dir, 'config'), { recursive: true });
    cpSync(join(repo, 'examples/acl.d'), join(dir, 'acl.d'), { recursive: true });
    const hash = await hashPassword('secret', { ln: 4, r: 8, p: 1 });
    const ini = `confdir = config\nsavedir = save\nacl_dir = acl.d\nsnapshot = ${join(repo, 'examples/snapshot.json')}\n[user.root]\npassword = ${hash}\nread = *\nwrite = *\n`;
    app = new RpcApp(parseSettings(ini, join(dir, 'server.ini')), rpcObjects);
    server = await app.listen('127.0.0.1', 0);
    agent = new Agent({ keepAlive: true, maxSockets: 16 });
    process.on('uncaughtException', onUncaught);
    const login = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: [ANON, 'session', 'login', { username: 'root', password: 'secret' }] }));
    sid = JSON.parse(login.text).result[1].ubus_rpc_session;
  },
  async stop() {
    process.off('uncaughtException', onUncaught);
    agent.destroy();
    await server.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  },
  async check(input) {
    const withSid = (c) => (Array.isArray(c?.params) && c.params[0] === 'SID' ? { ...c, params: [sid, ...c.params.slice(1)] } : c);
    const body = input.kind === 'text' ? input.text : JSON.stringify(input.kind === 'batch' ? input.body.map(withSid) : withSid(input.body));
    const res = await post(body);
    if (escaped.length) throw escaped.shift();
    if (res.status >= 500) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
    if (res.status !== 200) return `http ${res.status}`;
    if (res.text === '') return 'empty'; // a batch of notifications only
    const reply = JSON.parse(res.text);
    for (const r of Array.isArray(reply) ? reply : [reply]) {
      if (r.jsonrpc !== '2.0' || !('result' in r || 'error' in r)) throw new Error(`not a JSON-RPC answer: ${res.text.slice(0, 200)}`);
    }
    return Array.isArray(reply) ? 'batch' : 'error' in reply ? 'rpc error' : 'result';
  },
};
