// fw4's infer_family: narrow a family by the objects a section references, or explain the conflict.
import type { Family } from './types.js';

export interface FamilySource { family?: Family | null }

/** The resulting family (null: unrestricted), or the warning text when two sources disagree. */
export function inferFamily(
  start: Family | null | undefined,
  sources: readonly (readonly [FamilySource | null | undefined, string])[],
): Family | null | string {
  let res: Family | null = start ?? null;
  // indexed loops here and in the other per-rule helpers: a cold command runs them in the
  // interpreter, where for-of and destructuring allocate an iterator and a result per step
  for (let i = 0; i < sources.length; i++) {
    const obj = sources[i]![0];
    const desc = sources[i]![1];
    if (!obj || !obj.family || obj.family === res) continue;
    if (!res) {
      res = obj.family;
      continue;
    }
    return `is restricted to IPv${res} but referenced ${desc} is IPv${obj.family} only`;
  }
  return res;
}
