// Replies computed once per recorded snapshot: a SnapshotView never changes (a changed snapshot
// file gives a new one), so what is computed from it alone, and from configs whose parse is
// unchanged, is encoded once. A root directory or a live machine can change under the server
// without it knowing, so replies from those are computed every time.
import { SnapshotView, type SystemView } from '../../lib/fw4/index.js';
import { RawJson, type JsonObject } from '../json.js';

interface Entry {
  deps: readonly unknown[];
  reply: JsonObject | RawJson;
}

const replies = new WeakMap<SystemView, Map<string, Entry>>();

/** `compute()`'s reply, encoded once per view for the same `deps` (compared by identity). */
export function snapshotReply(view: SystemView, name: string, deps: readonly unknown[], compute: () => JsonObject): JsonObject | RawJson {
  if (!(view instanceof SnapshotView)) return compute();
  let byName = replies.get(view);
  if (!byName) replies.set(view, (byName = new Map()));
  const hit = byName.get(name);
  if (hit && hit.deps.length === deps.length && hit.deps.every((d, i) => d === deps[i])) return hit.reply;
  const data = compute();
  // ubus sends no data for an empty table; RawJson is never empty
  const reply = Object.keys(data).length ? new RawJson(JSON.stringify(data)) : data;
  byName.set(name, { deps, reply });
  return reply;
}
