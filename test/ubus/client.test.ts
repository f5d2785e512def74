// The JSON-RPC ubus client against small HTTP servers that answer as uhttpd does: statuses,
// uhttpd's JSON-RPC errors, a server that never answers, and which connections calls use.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, UbusClient, UbusError } from '../../lib/ubus/index.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  server = undefined;
});

interface Seen { socket: Socket; params: unknown[] }

/** A server answering each call with reply(params); it records the socket each came on. */
async function serve(reply: (params: unknown[], res: ServerResponse) => unknown): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { id: number; params: unknown[] } | { id: number; params: unknown[] }[];
      const out: unknown[] = [];
      for (const msg of Array.isArray(parsed) ? parsed : [parsed]) {
        seen.push({ socket: req.socket, params: msg.params });
        const r = reply(msg.params, res);
        if (r === undefined) return; // never answers
        out.push({ jsonrpc: '2.0', id: msg.id, ...(r as object) });
      }
      res.setHeader('content-type', 'application/json');
      // uhttpd answers a batch with an array; here in reverse, to show replies are matched by id
      res.end(JSON.stringify(Array.isArray(parsed) ? out.reverse() : out[0]));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/ubus`, seen };
}

describe('UbusClient', () => {
  it('logs in and calls with the session; statuses are named', async () => {
    const { url, seen } = await serve((p) => {
      if (p[1] === 'session') return p[3] && (p[3] as { password: string }).password === 'pw' ? { result: [0, { ubus_rpc_session: 'a'.repeat(32), timeout: 300 }] } : { result: [6] };
      return p[2] === 'get' ? { result: [0, { values: {} }] } : { result: [4] };
    });
    const c = new UbusClient(url);
    await expect(c.login('root', 'bad')).rejects.toThrow(`login as 'root' at ${url} failed: permission denied`);
    await expect(c.login('root', 'pw')).resolves.toEqual({ timeout: 300 });
    expect(await c.call('uci', 'get', { config: 'x' })).toEqual({ ok: true, data: { values: {} } });
    expect(await c.call('uci', 'set', {})).toEqual({ ok: false, error: 'not found', status: 4 });
    const e = await c.request('uci', 'set', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UbusError);
    expect(e).toMatchObject({ message: 'ubus call uci set: not found', status: 4, answered: true });
    expect(seen[2]!.params[0]).toBe('a'.repeat(32));
    c.close();
  });

  it('sends a batch in one request and answers each call in the order asked', async () => {
    const { url, seen } = await serve((p) => (p[2] === 'get' ? { result: [0, { values: { n: p[3] } }] } : { result: [5] }));
    const c = new UbusClient(url);
    const r = await c.batch([
      { object: 'uci', method: 'get', args: { config: 'a' } },
      { object: 'uci', method: 'changes' },
      { object: 'uci', method: 'get', args: { config: 'b' } },
    ]);
    expect(r).toEqual([
      { ok: true, data: { values: { n: { config: 'a' } } } },
      { ok: false, error: 'no data', status: 5 },
      { ok: true, data: { values: { n: { config: 'b' } } } },
    ]);
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
    c.close();
  });

  it("splits a batch longer than uhttpd's bound on a request body into requests within it, answered in order", async () => {
    const bodies: number[] = [];
    const { url } = await serve((p) => ({ result: [0, { n: (p[3] as { n: number }).n }] }));
    server!.prependListener('request', (req: IncomingMessage) => bodies.push(Number(req.headers['content-length'])));
    const c = new UbusClient(url);
    const calls = Array.from({ length: 400 }, (_, n) => ({ object: 'uci', method: 'set', args: { n, value: 'x'.repeat(300) } }));
    const r = await c.batch(calls);
    expect(r.map((x) => (x.ok ? (x.data as { n: number }).n : -1))).toEqual(calls.map((_, n) => n));
    expect(bodies.length).toBe(3);
    expect(Math.max(...bodies)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(bodies.reduce((a, b) => a + b)).toBeGreaterThan(2 * MAX_REQUEST_BYTES);
    c.close();
  });

  it("reports uhttpd's JSON-RPC errors with their code", async () => {
    const { url } = await serve(() => ({ error: { code: -32002, message: 'Access denied' } }));
    const c = new UbusClient(url);
    expect(await c.call('uci', 'get', { config: 'x' })).toEqual({ ok: false, error: 'Access denied', code: -32002 });
    c.close();
  });

  it('gives up on a call at its time-out, with an error that says so', async () => {
    const { url } = await serve(() => undefined);
    const c = new UbusClient(url, { timeoutMs: 200 });
    const e = (await c.call('uci', 'get', {}).catch((x: unknown) => x)) as UbusError;
    expect(e).toBeInstanceOf(UbusError);
    expect(e.message).toBe(`${url}: ubus call uci get: no answer within 200 ms`);
    expect(e.answered).toBe(false);
    c.close();
  });

  it('keeps one connection for its calls; withNewConnection opens its own for each', async () => {
    const { url, seen } = await serve(() => ({ result: [0] }));
    const c = new UbusClient(url, { session: 'b'.repeat(32) });
    for (let i = 0; i < 3; i++) await c.call('uci', 'changes');
    const fresh = c.withNewConnection();
    await fresh.call('uci', 'confirm');
    await fresh.call('uci', 'confirm');
    const sockets = seen.map((s) => s.socket);
    expect(new Set(sockets.slice(0, 3)).size).toBe(1);
    expect(sockets[3]).not.toBe(sockets[0]);
    expect(sockets[4]).not.toBe(sockets[3]);
    expect(seen[3]!.params[0]).toBe('b'.repeat(32));
    c.close();
    fresh.close();
  });

  it('refuses a reply that is not JSON-RPC, and a URL that is not http(s)', async () => {
    const { url } = await serve((_p, res) => (res.end('<html>'), undefined));
    await expect(new UbusClient(url).call('uci', 'get')).rejects.toThrow(`${url}: HTTP 200, not a JSON-RPC reply`);
    expect(() => new UbusClient('ftp://router/ubus')).toThrow('ftp://router/ubus: not an http(s) URL');
  });
});
