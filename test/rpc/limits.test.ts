// What a client may hold (rpc/limits.ts): the body bytes of all requests in flight are bounded
// (503 past it, the bytes given back when a request ends or its client goes), and slow or idle
// connections are closed at uhttpd's time-outs. The time-outs are set short here; the defaults
// are uhttpd's. Memory under 1000 connections with 64 KiB bodies: `npm run bench -- rpc-memory`.
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../rpc/limits.js';
import { startHarness, type Harness, type ScratchServer } from './harness.js';
import { startRoot } from './luci/fixture.js';

let h: Harness | ScratchServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await h?.close();
  h = undefined;
});

function open(url: string): Promise<Socket> {
  const { port } = new URL(url);
  const s = connect(Number(port), '127.0.0.1');
  sockets.push(s);
  return once(s, 'connect').then(() => s);
}

/** Everything the server sends until it closes the socket, and when it closed. */
function untilClosed(s: Socket): Promise<{ text: string; at: number }> {
  let text = '';
  s.on('data', (d) => (text += d.toString('latin1')));
  return new Promise((resolve) => s.on('close', () => resolve({ text, at: Date.now() })));
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const head = (length: number, path = '/ubus', type = 'application/json') => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n`;
/** A LuCI form (`serve --root`: the dispatcher's login form, cgi-io's) of `length` bytes. */
const form = (path: string, length: number) => head(length, path, 'application/x-www-form-urlencoded');

it("uses uhttpd's time-outs by default: 30 s for headers, 60 s for a request, 20 s of keep-alive", async () => {
  h = await startHarness();
  const s = h.server.server;
  expect([s.headersTimeout, s.requestTimeout, s.keepAliveTimeout]).toEqual([30_000, 60_000, 20_000]);
  expect(DEFAULT_LIMITS.bodyBytesInFlight).toBe(8 << 20);
});

it('closes a connection whose headers do not arrive in time', async () => {
  h = await startHarness({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
  const s = await open(h.url);
  const closed = untilClosed(s);
  const started = Date.now();
  s.write('POST /ubus HTTP/1.1\r\nHost: x\r\n');
  const { text, at } = await closed;
  expect(text).toMatch(/^HTTP\/1\.1 408/);
  expect(at - started).toBeGreaterThanOrEqual(250);
  expect(at - started).toBeLessThan(5000);
});

it('closes an idle kept-alive connection after the keep-alive time-out', async () => {
  h = await startHarness({ limits: { keepAliveTimeoutMs: 300 } });
  const s = await open(h.url);
  const closed = untilClosed(s);
  const answered = once(s, 'data').then(() => Date.now());
  const body = '{"jsonrpc":"2.0","id":1,"method":"list","params":[]}';
  s.write(head(body.length) + body);
  const { text, at } = await closed;
  expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: keep-alive\r\n/);
  expect(at - (await answered)).toBeGreaterThanOrEqual(250);
  expect(at - (await answered)).toBeLessThan(5000);
});

it('answers 503 when the bodies in flight would pass the bound, and takes requests again once they are done', async () => {
  h = await startHarness({ limits: { bodyBytesInFlight: 150_000 } });
  const handler = h.app.handler;
  const slow = [await open(h.url), await open(h.url)];
  const replies = slow.map(untilClosed);
  for (const s of slow) s.write(head(65_536) + ' '.repeat(60_000));
  await waitFor(() => handler.bodyBytesInFlight === 120_000);
  const third = await open(h.url);
  const refused = untilClosed(third);
  third.write(head(65_536) + ' '.repeat(60_000));
  const { text } = await refused;
  expect(text).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
  expect(text).toMatch(/\r\nConnection: close\r\n/);
  expect(handler.bodyBytesInFlight).toBe(120_000);
  // the first two finish their bodies (a JSON-RPC list call padded with spaces) and are answered
  const call = '{"jsonrpc":"2.0","id":1,"method":"list","params":[]}';
  for (const s of slow) s.end(call + ' '.repeat(5_536 - call.length));
  for (const r of await Promise.all(replies)) expect(r.text).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*"result"/);
  expect(handler.bodyBytesInFlight).toBe(0);
});

it('gives back the bytes of a client that goes away in the middle of its body', async () => {
  h = await startHarness();
  const handler = h.app.handler;
  const s = await open(h.url);
  s.write(head(65_536) + ' '.repeat(30_000));
  await waitFor(() => handler.bodyBytesInFlight === 30_000);
  s.destroy();
  await waitFor(() => handler.bodyBytesInFlight === 0);
});

it("counts LuCI's and cgi-io's form bodies in the same bound as /ubus bodies: past it 503 and closed", async () => {
  const root = await startRoot(undefined, undefined, { bodyBytesInFlight: 150_000 });
  h = root;
  const handler = root.app.handler;
  // a login form and a cgi-exec form, both slow, hold 120 000 bytes
  const slow = [await open(root.url), await open(root.url)];
  const replies = slow.map(untilClosed);
  slow[0]!.write(form('/cgi-bin/luci/', 65_000) + 'x'.repeat(60_000));
  slow[1]!.write(form('/cgi-bin/cgi-exec', 65_000) + 'x'.repeat(60_000));
  await waitFor(() => handler.bodyBytesInFlight === 120_000);
  for (const path of ['/ubus', '/cgi-bin/luci/', '/cgi-bin/cgi-exec']) {
    const s = await open(root.url);
    const refused = untilClosed(s);
    s.write(form(path, 60_000) + 'x'.repeat(60_000));
    const { text } = await refused;
    expect(text, path).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(text, path).toMatch(/\r\nConnection: close\r\n/);
  }
  expect(handler.bodyBytesInFlight).toBe(120_000);
  // the two end their forms and are answered (the login page; cgi-io's refusal of no session)
  for (const s of slow) s.end('&x=' + 'x'.repeat(4_997));
  const [page, exec] = await Promise.all(replies);
  expect(page!.text).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n[\s\S]*luci_password/);
  expect(exec!.text).toMatch(/^HTTP\/1\.1 403 Exec permission denied\r\n/);
  expect(handler.bodyBytesInFlight).toBe(0);
});

it("refuses a cgi-io form at cgi-io's POST_LIMIT (131072 bytes) unread, and closes the connection", async () => {
  h = await startRoot();
  const s = await open(h.url);
  const reply = untilClosed(s);
  s.write(form('/cgi-bin/cgi-exec', 131_072) + 'x'.repeat(1_000));
  const { text } = await reply;
  expect(text).toMatch(/^HTTP\/1\.1 403 Exec permission denied\r\n/);
  expect(text).toMatch(/\r\nConnection: close\r\n/);
  expect(h.app.handler.bodyBytesInFlight).toBe(0);
});
