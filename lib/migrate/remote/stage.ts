// Sending a package's planned calls to the router, and checking that what the router then has
// staged is what was meant. The names `add` answers replace the ones the plan expected (the
// router's section counter decides them), in the later calls and in the expected changes.
// Reorder records are the one part of `uci changes` that differs between libuci versions (some
// record every section `order` places, some only those that moved): they are left out of the
// comparison, and the order the package then reads in (`uci get`, `.index`) is checked instead.
import { UbusError, type ChangeRecord, type UbusClient } from '../../ubus/index.js';
import { callArgs, type UciCall } from './calls.js';
import type { PackagePlan } from './plan.js';

type Names = Map<string, string>;

function renamed(call: UciCall, names: Names): UciCall {
  if (names.size === 0) return call;
  const to = (s: string): string => names.get(s) ?? s;
  if (call.method === 'order') return { ...call, sections: call.sections.map(to) };
  if (call.method === 'add') return call;
  return { ...call, section: to(call.section) };
}

/** Makes the plan's calls in order; returns the names its anonymous adds got where they differ from the plan's. */
export async function sendCalls(client: UbusClient, plan: PackagePlan, timeoutMs: () => number): Promise<Names> {
  const names: Names = new Map();
  let adds = 0;
  for (const planned of plan.calls) {
    const call = renamed(planned, names);
    const data = await client.request('uci', call.method, callArgs(call), timeoutMs());
    if (call.method === 'add' && call.name === undefined) {
      const got = typeof data === 'object' && data !== null ? (data as { section?: unknown }).section : undefined;
      if (typeof got !== 'string') throw new UbusError(`ubus call uci add: no section name in the reply`);
      const meant = plan.addNames[adds++]!;
      if (got !== meant) names.set(meant, got);
    }
  }
  return names;
}

const show = (r: ChangeRecord | undefined): string => (r === undefined ? 'nothing' : JSON.stringify(r));

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const notOrder = (r: ChangeRecord): boolean => r[0] !== 'order';

/** Throws unless the package's sections read in the planned order (`uci get`). */
async function checkOrder(client: UbusClient, plan: PackagePlan, order: string[], timeoutMs: () => number): Promise<void> {
  const data = await client.request('uci', 'get', { config: plan.package }, timeoutMs());
  const values = isObject(data) && isObject(data.values) ? data.values : {};
  const got = Object.values(values).filter(isObject).sort((a, b) => Number(a['.index']) - Number(b['.index'])).map((s) => String(s['.name']));
  if (got.join(' ') !== order.join(' ')) {
    throw new Error(`${plan.package}: the router's sections are not in the order meant: ${got.join(' ')}; meant ${order.join(' ')}`);
  }
}

/** Throws unless `uci changes {config}` lists exactly the plan's changes (and the sections read in order). */
export async function checkStaged(client: UbusClient, plan: PackagePlan, names: Names, timeoutMs: () => number): Promise<void> {
  const data = await client.request('uci', 'changes', { config: plan.package }, timeoutMs());
  const got = (isObject(data) && Array.isArray(data.changes) ? (data.changes as ChangeRecord[]) : []).filter(notOrder);
  const meant = plan.expected.filter(notOrder).map((r) => (names.has(String(r[1])) ? [r[0]!, names.get(String(r[1]))!, ...r.slice(2)] : r));
  const n = Math.max(got.length, meant.length);
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(got[i]) !== JSON.stringify(meant[i])) {
      throw new Error(`${plan.package}: the router staged other changes than meant: change ${i + 1} is ${show(got[i])}, meant ${show(meant[i])}`);
    }
  }
  if (plan.order) await checkOrder(client, plan, plan.order.map((s) => names.get(s) ?? s), timeoutMs);
}
