// `print --fix`: the rendered ruleset with each refused line replaced by what the kernel accepts.
import { findKernelRefusals, type KernelRefusal, type RefusalContext } from './refusals.js';

export interface FixResult {
  text: string;
  /** Every refusal found on the way, each with the fix applied to it. */
  applied: KernelRefusal[];
}

// A line can break more than one limit; each pass repairs one refusal per line, and every fix
// removes its cause, so the passes end.
const MAX_PASSES = 8;

export function fixKernelRefusals(ruleset: string, context: RefusalContext = {}): FixResult {
  const applied: KernelRefusal[] = [];
  let lines = ruleset.split('\n');
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const refusals = findKernelRefusals(lines.join('\n'), context);
    if (refusals.length === 0) break;
    const byLine = new Map<number, KernelRefusal>();
    for (const r of refusals) if (!byLine.has(r.line)) byLine.set(r.line, r);
    applied.push(...byLine.values());
    lines = lines.flatMap((raw, i) => {
      const r = byLine.get(i + 1);
      if (!r) return [raw];
      if (r.replacement === null) return [];
      return [raw.slice(0, raw.length - raw.trimStart().length) + r.replacement];
    });
  }
  return { text: lines.join('\n'), applied };
}
