// `fw4 check`: each rule nft would refuse, as a finding at the file:line of its section.
import type { CheckFinding, SourceLocator } from '../check.js';
import type { Ruleset } from '../compile/types.js';
import { refusalContext } from './context.js';
import { findKernelRefusals, type KernelRefusal } from './refusals.js';

export function refusalFinding(r: KernelRefusal, locators: Record<string, SourceLocator>): CheckFinding {
  const where = r.origin ? locators[r.origin.package] : undefined;
  const line = where && r.origin && r.origin.index >= 0 ? where.line(r.origin.index) : undefined;
  const who = r.origin && r.origin.package !== 'ubus' ? `Section ${r.section}` : r.section;
  return {
    file: where?.file ?? '-',
    ...(line !== undefined ? { line } : {}),
    message: `${who} renders a rule nft refuses (ruleset line ${r.line}: ${r.nft}); print --fix ${r.fix}`,
  };
}

/** The kernel-refusal findings of a translation (its text and compiled ruleset). */
export function kernelRefusalFindings(text: string, ruleset: Ruleset, locators: Record<string, SourceLocator>): CheckFinding[] {
  return findKernelRefusals(text, refusalContext(ruleset)).map((r) => refusalFinding(r, locators));
}
