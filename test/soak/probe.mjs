// Loaded into the soak's `uci-fw4 serve` process with `node --expose-gc --import` (nothing of
// it is in the product): over the IPC channel the soak opened, answers `{ gc }` messages with
// process.memoryUsage(), after a full garbage collection when gc is true, and writes a heap
// snapshot when asked (`{ snapshot: path }`).
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

if (process.send) {
  process.on('message', (m) => {
    if (m?.gc && globalThis.gc) globalThis.gc();
    const snapshot = m?.snapshot ? writeHeapSnapshot(m.snapshot) : undefined;
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
    process.send({ ...process.memoryUsage(), spaces, snapshot });
  });
  // the channel must not keep the server alive once it is told to stop
  process.channel?.unref();
}
