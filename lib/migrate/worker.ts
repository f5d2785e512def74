// The worker thread that runs migrations loaded from modules (isolated.ts is its other end).
// It loads the modules once, then runs one target's `up` calls per message. While a confdir
// runs, the thread's port does not keep it alive: a migration that awaits a promise nothing will
// settle leaves the thread with nothing to do, the thread ends, and the runner can say so at
// once instead of waiting for the time-out.
import { parentPort, workerData } from 'node:worker_threads';
import { loadMigrations } from './load.js';
import { checkMigrations } from './check.js';
import { MigrationFailure, runUp } from './up.js';
import type { Migration } from './types.js';
import { targetOf, type FromWorker, type ToWorker } from './isolated.js';

const port = parentPort!;
const send = (m: FromWorker): void => port.postMessage(m);

async function start(specs: readonly string[]): Promise<void> {
  let migrations: Migration[];
  try {
    migrations = (await Promise.all(specs.map(loadMigrations))).flat();
    checkMigrations(migrations);
  } catch (e) {
    send({ type: 'ready', error: e instanceof Error ? e.message : String(e) });
    return;
  }
  const byId = new Map(migrations.map((m) => [m.id, m]));
  port.on('message', async (job: ToWorker) => {
    port.unref();
    try {
      const todo = job.ids.map((id) => byId.get(id)!);
      const wrapped = todo.map((m) => ({ ...m, up: (tx: Parameters<Migration['up']>[0]) => (send({ type: 'begin', id: m.id }), m.up(tx)) }));
      const target = targetOf(job);
      const outcome = await runUp(target, wrapped);
      send(typeof target === 'string' ? { type: 'done', outcome } : { type: 'done', outcomeJson: JSON.stringify(outcome) });
    } catch (e) {
      const f = e instanceof MigrationFailure ? e : new MigrationFailure(String(e));
      send({ type: 'failed', message: f.message, ...(f.migration === undefined ? {} : { migration: f.migration }) });
    }
    port.ref();
  });
  send({ type: 'ready', migrations: migrations.map((m) => ({ id: m.id, description: m.description, ...(m.packages ? { packages: [...m.packages] } : {}) })) });
}

void start((workerData as { specs: string[] }).specs);
