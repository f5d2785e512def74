// Shared by the benchmarks: the median of a sample and the wall time of one call.
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
