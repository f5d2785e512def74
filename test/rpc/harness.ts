// A real server on 127.0.0.1 with an ephemeral port, over a scratch copy of the example confdir,
// and a small client speaking the ubus JSON-RPC envelope over fetch.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RpcApp, type ObjectFactory } from '../../rpc/app.js';
import { hashPassword } from '../../rpc/password.js';
import type { ServerLimits } from '../../rpc/limits.js';
import type { RunningServer } from '../../rpc/server.js';
import { parseSettings } from '../../rpc/settings.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const ANON = '00000000000000000000000000000000';

/** Cheap hashes keep the suite fast; the format and the comparison are the production ones. */
export const fastCost = { ln: 4, r: 8, p: 1 };

export interface TestUser {
  name: string;
  password: string;
  read?: string;
  write?: string;
}

export interface HarnessOptions {
  users?: TestUser[];
  extraIni?: string;
  /** Extra acl.d files: name → JSON. */
  acl?: Record<string, unknown>;
  objects?: ObjectFactory[];
  logs?: string[];
  /** The server's wall clock. */
  now?: () => number;
  limits?: Partial<ServerLimits>;
}

export interface Harness {
  dir: string;
  confdir: string;
  savedir: string;
  app: RpcApp;
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'uci-fw4-rpc-test-'));
  const confdir = join(dir, 'config');
  const savedir = join(dir, 'save');
  const aclDir = join(dir, 'acl.d');
  cpSync(join(root, 'examples/config'), confdir, { recursive: true });
  cpSync(join(root, 'examples/acl.d'), aclDir, { recursive: true });
  for (const [name, doc] of Object.entries(options.acl ?? {})) writeFileSync(join(aclDir, name), JSON.stringify(doc));
  const users = options.users ?? [{ name: 'root', password: 'secret', read: '*', write: '*' }];
  const sections: string[] = [];
  for (const u of users) {
    sections.push(`[user.${u.name}]`, `password = ${await hashPassword(u.password, fastCost)}`);
    if (u.read) sections.push(`read = ${u.read}`);
    if (u.write) sections.push(`write = ${u.write}`);
  }
  const ini = [`confdir = config`, `savedir = save`, `acl_dir = acl.d`, options.extraIni ?? '', ...sections].join('\n');
  const settings = parseSettings(ini, join(dir, 'server.ini'));
  const logs = options.logs;
  const app = new RpcApp(settings, options.objects ?? [], { log: logs ? (l) => logs.push(l) : undefined, now: options.now, limits: options.limits });
  return { ...(await listenScratch(app, dir)), confdir, savedir };
}

export interface ScratchServer {
  dir: string;
  app: RpcApp;
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

/** Listens on an ephemeral loopback port; close() stops server and app and removes the scratch directory. */
export async function listenScratch(app: RpcApp, dir: string): Promise<ScratchServer> {
  const server = await app.listen('127.0.0.1', 0);
  return {
    dir,
    app,
    server,
    url: server.url,
    async close() {
      await server.close();
      app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RawReply {
  status: number;
  headers: Headers;
  text: string;
}

export async function post(url: string, body: string, path = '/ubus', headers: Record<string, string> = {}): Promise<RawReply> {
  const res = await fetch(url + path, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

let nextId = 1;

export function callMsg(sid: string, object: string, method: string, args: object = {}): object {
  return { jsonrpc: '2.0', id: nextId++, method: 'call', params: [sid, object, method, args] };
}

export interface Envelope {
  jsonrpc: string;
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export async function rpc(url: string, msg: object | object[]): Promise<Envelope & Envelope[]> {
  const r = await post(url, JSON.stringify(msg));
  return JSON.parse(r.text) as Envelope & Envelope[];
}

/** One `call`, returning the result array [status, data?]. */
export async function call(url: string, sid: string, object: string, method: string, args: object = {}): Promise<[number, Record<string, unknown>?]> {
  const reply = await rpc(url, callMsg(sid, object, method, args));
  if (reply.error) throw new Error(`${object}.${method}: JSON-RPC error ${reply.error.code} ${reply.error.message}`);
  return reply.result as [number, Record<string, unknown>?];
}

export async function login(url: string, username = 'root', password = 'secret', timeout?: number): Promise<string> {
  const [status, data] = await call(url, ANON, 'session', 'login', { username, password, ...(timeout ? { timeout } : {}) });
  if (status !== 0) throw new Error(`login as ${username} failed with status ${status}`);
  return data!.ubus_rpc_session as string;
}

const bin = join(root, 'bin/uci-fw4.js');

/** Starts `uci-fw4 serve` (the compiled CLI) and resolves with its URL once it says where it listens. */
export function serve(args: string[]): Promise<{ url: string; stop: () => Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)\/ubus/.exec(err);
      if (m)
        resolve({
          url: m[1]!,
          stderr: () => err,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}
