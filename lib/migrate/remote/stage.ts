// Sending a package's planned calls to the router, and checking that what the router then has
// staged is what was meant. The names `add` answers replace the ones the plan expected (the
// router's section counter decides them), in the later calls and in the expected changes.
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

/** Throws unless `uci changes {config}` lists exactly the plan's changes. */
export async function checkStaged(client: UbusClient, plan: PackagePlan, names: Names, timeoutMs: () => number): Promise<void> {
  const data = await client.request('uci', 'changes', { config: plan.package }, timeoutMs());
  const got = typeof data === 'object' && data !== null && Array.isArray((data as { changes?: unknown }).changes) ? (data as { changes: ChangeRecord[] }).changes : [];
  const meant = plan.expected.map((r) => (names.has(String(r[1])) ? [r[0]!, names.get(String(r[1]))!, ...r.slice(2)] : r));
  const n = Math.max(got.length, meant.length);
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(got[i]) !== JSON.stringify(meant[i])) {
      throw new Error(`${plan.package}: the router staged other changes than meant: change ${i + 1} is ${show(got[i])}, meant ${show(meant[i])}`);
    }
  }
}
