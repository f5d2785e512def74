// Sending a package's planned calls to the router, and checking that what the router then has
// staged is what was meant: the calls and the check go in one batch (a second one when the
// package is reordered). The names `add` answers replace the ones the plan expected (the
// router's section counter decides them), in the order call and in the expected changes.
// Reorder records are the one part of `uci changes` that differs between libuci versions (some
// record every section `order` places, some only those that moved): they are left out of the
// comparison, and the order the package then reads in (`uci get`, `.index`) is checked instead.
import { documentFromValues, isObject, replyData, UbusError, type ChangeRecord, type UbusClient } from '../../ubus/index.js';
import { callArgs, type UciCall } from './calls.js';
import type { PackagePlan } from './plan.js';

type Names = Map<string, string>;

const notOrder = (r: ChangeRecord): boolean => r[0] !== 'order';
const show = (r: ChangeRecord | undefined): string => (r === undefined ? 'nothing' : JSON.stringify(r));

const asCall = (c: UciCall) => ({ object: 'uci', method: c.method, args: callArgs(c) });

/** Throws unless the changes listed are exactly the plan's. */
function checkChanges(plan: PackagePlan, listed: unknown, names: Names): void {
  const got = (isObject(listed) && Array.isArray(listed.changes) ? (listed.changes as ChangeRecord[]) : []).filter(notOrder);
  const meant = plan.expected.filter(notOrder).map((r) => (names.has(String(r[1])) ? [r[0]!, names.get(String(r[1]))!, ...r.slice(2)] : r));
  for (let i = 0; i < Math.max(got.length, meant.length); i++) {
    if (JSON.stringify(got[i]) !== JSON.stringify(meant[i])) {
      throw new Error(`${plan.package}: the router staged other changes than meant: change ${i + 1} is ${show(got[i])}, meant ${show(meant[i])}`);
    }
  }
}

/** Throws unless the package's sections read in the order meant. */
function checkOrder(plan: PackagePlan, read: unknown, order: string[]): void {
  const values = isObject(read) && isObject(read.values) ? read.values : {};
  const got = documentFromValues(plan.package, values).sections.map((s) => s.name);
  if (got.join(' ') !== order.join(' ')) {
    throw new Error(`${plan.package}: the router's sections are not in the order meant: ${got.join(' ')}; meant ${order.join(' ')}`);
  }
}

/**
 * Makes the plan's calls and checks the router's `uci changes` against them (and the order,
 * with `uci get`). Throws at the first refusal or difference; the caller reverts.
 */
export async function stagePlan(client: UbusClient, plan: PackagePlan, timeoutMs: () => number): Promise<void> {
  const config = plan.package;
  const order = plan.calls.find((c): c is Extract<UciCall, { method: 'order' }> => c.method === 'order');
  const calls = plan.calls.filter((c) => c !== order);
  const changes = { object: 'uci', method: 'changes', args: { config } };
  const replies = await client.batch([...calls.map(asCall), ...(order ? [] : [changes])], timeoutMs());
  const names: Names = new Map();
  let adds = 0;
  calls.forEach((call, i) => {
    const answer = replyData(replies[i]!, `uci ${call.method}`);
    if (call.method !== 'add' || call.name !== undefined) return;
    const got = isObject(answer) ? answer.section : undefined;
    if (typeof got !== 'string') throw new UbusError('ubus call uci add: no section name in the reply');
    const meant = plan.addNames[adds++]!;
    if (got !== meant) names.set(meant, got);
  });
  if (!order) return checkChanges(plan, replyData(replies[calls.length]!, 'uci changes'), names);
  const sections = order.sections.map((s) => names.get(s) ?? s);
  const [ordered, listed, read] = await client.batch([asCall({ ...order, sections }), changes, { object: 'uci', method: 'get', args: { config } }], timeoutMs());
  replyData(ordered!, 'uci order');
  checkChanges(plan, replyData(listed!, 'uci changes'), names);
  checkOrder(plan, replyData(read!, 'uci get'), sections);
}
