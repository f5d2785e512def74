// Output written straight to a file descriptor. process.stdout and process.stderr are streams
// that node builds on first use, loading its stream and socket modules: ~20M instructions
// (about 5 ms here) for a pipe, a noticeable share of a short command. Output that can be large
// (rulesets, findings, reports, diffs) goes through these: the command has written all of it
// when it returns, whatever a slow reader of a pipe does.
import { writevSync } from 'node:fs';

/** Writes buffers in order, a writev of up to IOV_MAX at a time; waits out a non-blocking descriptor. */
export function writeAll(fd: number, bufs: Buffer[]): void {
  let i = 0;
  while (i < bufs.length) {
    let written: number;
    try {
      written = writevSync(fd, bufs.slice(i, i + 1024));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      continue;
    }
    // a short write leaves the rest of a buffer for the next round
    while (i < bufs.length && written >= bufs[i]!.length) written -= bufs[i++]!.length;
    if (written > 0) bufs[i] = bufs[i]!.subarray(written);
  }
}

/** Writes text as UTF-8. */
export function writeText(fd: number, text: string): void {
  if (text) writeAll(fd, [Buffer.from(text, 'utf8')]);
}
