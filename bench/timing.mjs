// Shared by the benchmarks: the median of a sample, the wall time of one call, node's own
// start-up time, the machine's load average and a process's memory.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Seconds taken by fn(). */
export function time(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/**
 * The environment without NODE_EXTRA_CA_CERTS, or null when it is not set. This sandbox sets it,
 * and node then loads the extra certificates at start-up (~40 ms here) although no uci-fw4
 * command uses TLS; the benches report end-to-end times both ways.
 */
export function envWithoutExtraCerts() {
  if (process.env.NODE_EXTRA_CA_CERTS === undefined) return null;
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** Median seconds of `node -e 0` over `runs` runs (in `env` when given): what any command pays first. */
export function nodeStartup(runs, env) {
  return median(Array.from({ length: runs }, () => time(() => spawnSync(process.execPath, ['-e', '0'], env ? { env } : {}))));
}

/** The 1, 5 and 15 minute load averages, `0.4 0.9 1.2`: a busy machine shows in every figure. */
export const loadAverage = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** VmRSS and VmHWM of a process (default: this one), in MiB. */
export function memory(pid = 'self') {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
