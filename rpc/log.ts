// The request log's way to the terminal or file: one line per call, but one write per event-loop
// turn. Under load a turn answers many requests, and a write is a system call each (the largest
// cost of a cached `uci get` after the reply itself).
import type { LogSink } from './server.js';

export interface BatchedLog {
  sink: LogSink;
  /** Writes what is pending now (before the process exits). */
  flush(): void;
}

export function batchedLog(write: (text: string) => void): BatchedLog {
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    write(text);
  };
  return {
    sink: (line) => {
      if (pending.push(line) === 1) setImmediate(flush);
    },
    flush,
  };
}
