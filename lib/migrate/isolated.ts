// Migrations loaded from modules run in a worker thread (worker.ts), so that one that never
// finishes can be stopped: a confdir whose `up` calls outlast the time-out has its worker
// terminated (even in a busy loop) and fails; the next confdir gets a fresh worker. The
// confdir's files are untouched: the runner stages and commits only what a finished run returns.
// A router's packages travel to the worker as plain data (remote/model.ts), and the calls that
// would change them come back as plain data.
import { Worker } from 'node:worker_threads';
import { MigrationFailure, type UpOutcome, type UpTarget } from './up.js';
import type { RemoteModel } from './remote/model.js';

/**
 * A run asked of the worker. A router's model, and the outcome of a router's run, cross as JSON
 * text: the structured clone of their many small objects cost the fleet's client more than
 * stringify and parse (0.27 ms a router in postMessage alone, against ~0.05 ms).
 */
export type ToWorker = { ids: string[]; confdir: string } | { ids: string[]; url: string; model: string };
export type FromWorker =
  | { type: 'ready'; migrations: MigrationInfo[] }
  | { type: 'ready'; error: string }
  | { type: 'begin'; id: string }
  | { type: 'done'; outcome: UpOutcome }
  | { type: 'done'; outcomeJson: string }
  | { type: 'failed'; message: string; migration?: string };

/** The message that asks the worker to run `ids` on the target. */
export function jobFor(target: UpTarget, ids: readonly string[]): ToWorker {
  return typeof target === 'string' ? { ids: [...ids], confdir: target } : { ids: [...ids], url: target.url, model: JSON.stringify(target.model) };
}

/** The target a job names, as runUp takes it. */
export function targetOf(job: ToWorker): UpTarget {
  return 'confdir' in job ? job.confdir : { url: job.url, model: JSON.parse(job.model) as RemoteModel };
}

/** A migration as the runner sees one that runs in the worker. */
export interface MigrationInfo {
  id: string;
  description: string;
  packages?: readonly string[];
}

/**
 * The worker's script. tsc puts worker.js beside this module, and the CLI's build bundles it as
 * migrate-worker.cjs beside the command bundles (bin/build-cli.mjs). When lib/ runs from its
 * TypeScript source (under the test runner), the worker runs from the build in dist/, which
 * the test suite makes first.
 */
function workerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('../../dist/lib/migrate/worker.js', here);
  return new URL(here.endsWith('.cjs') ? './migrate-worker.cjs' : './worker.js', here);
}

// Only the listeners added here: a Worker keeps listeners of its own (newListener) that ref its port.
function detach(worker: Worker): void {
  for (const event of ['message', 'error', 'exit']) worker.removeAllListeners(event);
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

const LOAD_TIMEOUT_MS = 30_000;

export class IsolatedMigrations {
  readonly migrations: readonly MigrationInfo[];
  readonly #specs: readonly string[];
  readonly #timeoutMs: number;
  #worker: Worker;
  /** The end of the last run asked for: runs take turns on the one worker. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(specs: readonly string[], timeoutMs: number, worker: Worker, migrations: MigrationInfo[]) {
    this.#specs = specs;
    this.#timeoutMs = timeoutMs;
    this.#worker = worker;
    this.migrations = migrations;
  }

  /** Loads the modules (built-in names or paths) in a worker; rejects with their error. */
  static async start(specs: readonly string[], timeoutMs: number): Promise<IsolatedMigrations> {
    const { worker, migrations } = await IsolatedMigrations.#spawn(specs, timeoutMs);
    return new IsolatedMigrations(specs, timeoutMs, worker, migrations);
  }

  static #spawn(specs: readonly string[], confdirTimeoutMs: number): Promise<{ worker: Worker; migrations: MigrationInfo[] }> {
    // Loading is not a confdir's run: a short per-confdir time-out must not fail a worker that
    // is merely slow to start on a loaded machine. A module that waits on nothing at its top
    // level ends the worker at once (below); one that loops is stopped here.
    const timeoutMs = Math.max(confdirTimeoutMs, LOAD_TIMEOUT_MS);
    const worker = new Worker(workerUrl(), { workerData: { specs } });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`loading ${specs.join(', ')} did not finish within ${seconds(timeoutMs)}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        detach(worker);
      };
      worker.on('message', (m: FromWorker) => {
        if (m.type !== 'ready') return;
        done();
        if ('error' in m) {
          void worker.terminate();
          reject(new Error(m.error));
        } else resolve({ worker, migrations: m.migrations });
      });
      worker.on('error', (e) => (done(), reject(e)));
      worker.on('exit', () => (done(), reject(new Error(`loading ${specs.join(', ')} never finished: it waits on a promise that nothing will settle`))));
    });
  }

  /**
   * Runs the migrations `ids` (in that order) on the target; rejects with a MigrationFailure.
   * Calls made while one runs wait for their turn (the time-out counts from the start of each).
   */
  run(target: UpTarget, ids: readonly string[]): Promise<UpOutcome> {
    const run = this.#queue.then(() => this.#run(target, ids));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run(target: UpTarget, ids: readonly string[]): Promise<UpOutcome> {
    const worker = this.#worker;
    let current: string | undefined;
    let broken = false;
    try {
      return await new Promise<UpOutcome>((resolve, reject) => {
        const fail = (message: string): void => reject(new MigrationFailure(message, current));
        const timer = setTimeout(() => {
          broken = true;
          fail(`did not finish within ${seconds(this.#timeoutMs)}; stopped, nothing written`);
        }, this.#timeoutMs);
        const settle = (): void => {
          clearTimeout(timer);
          detach(worker);
        };
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'begin') current = m.id;
          else if (m.type === 'done') settle(), resolve('outcome' in m ? m.outcome : (JSON.parse(m.outcomeJson) as UpOutcome));
          else if (m.type === 'failed') settle(), reject(new MigrationFailure(m.message, m.migration));
        });
        worker.on('error', (e) => {
          broken = true;
          settle();
          fail(e instanceof Error ? e.message : String(e));
        });
        worker.on('exit', () => {
          broken = true;
          settle();
          fail('never finished: it waits on a promise that nothing will settle');
        });
        worker.postMessage(jobFor(target, ids));
      });
    } finally {
      if (broken) await this.#replace(worker);
    }
  }

  async #replace(old: Worker): Promise<void> {
    detach(old);
    await old.terminate();
    this.#worker = (await IsolatedMigrations.#spawn(this.#specs, this.#timeoutMs)).worker;
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
