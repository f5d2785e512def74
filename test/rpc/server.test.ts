// The HTTP envelope over a real socket: uhttpd's answers for malformed input, batches, the body
// limit, list, CORS and OPTIONS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON, call, callMsg, login, post, rpc, startHarness, type Harness } from './harness.js';

let h: Harness;
let sid: string;
const logs: string[] = [];

beforeAll(async () => {
  // a group granting every ubus method, so that an unknown method reaches the object
  h = await startHarness({ logs, acl: { 'all.json': { 'test-all': { read: { ubus: { '*': ['*'] } } } } } });
  sid = await login(h.url);
});
afterAll(() => h.close());

describe('envelope', () => {
  it('answers malformed JSON with -32700 and id null', async () => {
    const r = await post(h.url, '{"jsonrpc":"2.0","id":1,');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.text).toBe('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
  });

  it('answers a body that is neither object nor array with -32700', async () => {
    expect((await post(h.url, '42')).text).toBe('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
  });

  it('answers a request without jsonrpc 2.0 with -32700, echoing the id', async () => {
    const r = await rpc(h.url, { id: 7, method: 'list' });
    expect(r).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32700, message: 'Parse error' } });
  });

  it('answers an unknown envelope method with -32601', async () => {
    const r = await rpc(h.url, { jsonrpc: '2.0', id: 'x', method: 'frobnicate' });
    expect(r.error).toEqual({ code: -32601, message: 'Method not found' });
    expect(r.id).toBe('x');
  });

  it('answers call params that are not [sid, object, method, {args}] with -32700 as uhttpd does', async () => {
    for (const params of [[sid, 'uci'], [sid, 'session', 'list', []], 'x', [1, 'session', 'list', {}]]) {
      const r = await rpc(h.url, { jsonrpc: '2.0', id: 1, method: 'call', params });
      expect(r.error?.code, JSON.stringify(params)).toBe(-32700);
    }
  });

  it('answers arguments that carry their own ubus_rpc_session with -32602', async () => {
    const r = await rpc(h.url, callMsg(sid, 'session', 'list', { ubus_rpc_session: ANON }));
    expect(r.error).toEqual({ code: -32602, message: 'Invalid parameters' });
  });

  it('answers wrongly typed method arguments with ubus status 2 (INVALID_ARGUMENT)', async () => {
    expect(await call(h.url, sid, 'session', 'get', { keys: 'username' })).toEqual([2]);
    expect(await call(h.url, sid, 'session', 'set', {})).toEqual([2]);
  });

  it('answers an unknown object with -32000 and an unknown method of a known object with status 3', async () => {
    expect((await rpc(h.url, callMsg(sid, 'nosuchobject', 'x'))).error).toEqual({ code: -32000, message: 'Object not found' });
    expect(await call(h.url, sid, 'session', 'nosuchmethod')).toEqual([3]);
  });

  it('keeps the order of a batch and answers each element, errors included', async () => {
    const batch = [
      callMsg(sid, 'session', 'set', { values: { step: 1 } }),
      { jsonrpc: '2.0', id: 'bad', method: 'call', params: [] },
      callMsg(sid, 'session', 'set', { values: { step: 2 } }),
      callMsg(sid, 'session', 'get', { keys: ['step'] }),
      42,
    ];
    const r = await rpc(h.url, batch);
    expect(r).toHaveLength(5);
    expect(r.map((e) => e.id)).toEqual([(batch[0] as { id: number }).id, 'bad', (batch[2] as { id: number }).id, (batch[3] as { id: number }).id, null]);
    expect(r[0]!.result).toEqual([0]);
    expect(r[1]!.error?.code).toBe(-32700);
    expect(r[3]!.result).toEqual([0, { values: { step: 2 } }]);
    expect(r[4]!.error?.code).toBe(-32700);
  });

  it('answers an empty batch with an empty array', async () => {
    expect((await post(h.url, '[]')).text).toBe('[]');
  });

  it('answers a notification (no id) with id null, as uhttpd does', async () => {
    const r = await rpc(h.url, { jsonrpc: '2.0', method: 'call', params: [sid, 'session', 'get', { keys: [] }] });
    expect(r).toEqual({ jsonrpc: '2.0', id: null, result: [0, { values: {} }] });
  });

  it('refuses a body over 65536 bytes with -32700 and closes the connection; 65536 bytes pass', async () => {
    const pad = (n: number) => {
      const base = JSON.stringify(callMsg(sid, 'session', 'get', { keys: [], pad: '' }));
      return base.replace('"pad":""', `"pad":"${'x'.repeat(n - base.length)}"`);
    };
    const exact = pad(65536);
    expect(Buffer.byteLength(exact)).toBe(65536);
    expect(JSON.parse((await post(h.url, exact)).text).result).toEqual([0, { values: {} }]);
    const over = await post(h.url, pad(65537));
    expect(over.text).toBe('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
    expect(over.headers.get('connection')).toBe('close');
  });

  it('accepts LuCI rpc.js endpoint suffixes (/ubus/object.method;…) as the plain endpoint', async () => {
    const r = await post(h.url, JSON.stringify(callMsg(sid, 'session', 'get', { keys: [] })), '/ubus/session.get;session.list');
    expect(JSON.parse(r.text).result).toEqual([0, { values: {} }]);
    expect((await post(h.url, '{}', '/ubus/other')).status).toBe(404);
    expect((await post(h.url, '{}', '/elsewhere')).status).toBe(404);
  });
});

describe('list', () => {
  it('lists object names without params, signatures with patterns', async () => {
    const names = await rpc(h.url, { jsonrpc: '2.0', id: 1, method: 'list' });
    expect(names.result).toEqual(['session']);
    const sigs = (await rpc(h.url, { jsonrpc: '2.0', id: 2, method: 'list', params: ['sess*'] })).result as Record<string, Record<string, unknown>>;
    expect(Object.keys(sigs.session!)).toEqual(['create', 'list', 'grant', 'revoke', 'access', 'set', 'get', 'unset', 'destroy', 'login']);
    expect(sigs.session!.login).toEqual({ username: 'string', password: 'string', timeout: 'number' });
    expect(sigs.session!.grant).toEqual({ ubus_rpc_session: 'string', scope: 'string', objects: 'array' });
  });

  it('serves GET /ubus/list and /ubus/list/<object>, 500 with ubus NOT_FOUND for none', async () => {
    const all = await (await fetch(`${h.url}/ubus/list`)).json();
    expect(Object.keys(all)).toEqual(['session']);
    const one = await (await fetch(`${h.url}/ubus/list/session`)).json();
    expect(one.destroy).toEqual({ ubus_rpc_session: 'string' });
    const none = await fetch(`${h.url}/ubus/list/nothing`);
    expect(none.status).toBe(500);
    expect(await none.text()).toBe('{"code":4,"message":"Not found"}');
  });
});

describe('HTTP', () => {
  it('answers OPTIONS with 200 and an empty body, other methods with 400', async () => {
    const o = await fetch(`${h.url}/ubus`, { method: 'OPTIONS' });
    expect(o.status).toBe(200);
    expect(await o.text()).toBe('');
    expect((await fetch(`${h.url}/ubus`, { method: 'PUT', body: '{}' })).status).toBe(400);
  });

  it('sends no CORS headers unless cors is enabled', async () => {
    const r = await post(h.url, '[]', '/ubus', { Origin: 'http://evil.example' });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends uhttpd CORS headers when enabled, and none for a disallowed preflight method', async () => {
    const c = await startHarness({ extraIni: 'cors = true' });
    try {
      const pre = await fetch(`${c.url}/ubus`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://luci.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(pre.headers.get('access-control-allow-origin')).toBe('http://luci.example');
      expect(pre.headers.get('access-control-allow-headers')).toBe('content-type');
      expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
      expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
      const bad = await fetch(`${c.url}/ubus`, { method: 'OPTIONS', headers: { Origin: 'http://luci.example', 'Access-Control-Request-Method': 'DELETE' } });
      expect(bad.headers.get('access-control-allow-origin')).toBeNull();
      const r = await post(c.url, '[]', '/ubus', { Origin: 'http://luci.example' });
      expect(r.headers.get('access-control-allow-origin')).toBe('http://luci.example');
    } finally {
      await c.close();
    }
  });

  it('serves POST /ubus/call/<object> with a Bearer session: result is the data, errors carry the ubus status', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'get', params: { keys: [] } });
    const r = await post(h.url, body, '/ubus/call/session', { Authorization: `Bearer ${sid}` });
    expect(JSON.parse(r.text)).toEqual({ jsonrpc: '2.0', id: 3, result: { values: {} } });
    const anon = await post(h.url, body, '/ubus/call/session');
    expect(JSON.parse(anon.text).error).toEqual({ code: -32002, message: 'Access denied' });
    const bad = await post(h.url, JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'set', params: {} }), '/ubus/call/session', { Authorization: `Bearer ${sid}` });
    expect(JSON.parse(bad.text)).toEqual({ jsonrpc: '2.0', id: 4, error: { code: 2, message: 'Invalid argument' } });
  });

  it('logs one line per call with object.method, status and duration', async () => {
    logs.length = 0;
    await call(h.url, sid, 'session', 'get', { keys: [] });
    await rpc(h.url, callMsg(ANON, 'session', 'list'));
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/^\S+Z 127\.0\.0\.1 call session\.get 0 \d+\.\d\dms$/);
    expect(logs[1]).toMatch(/ call session\.list -32002 /);
  });
});
