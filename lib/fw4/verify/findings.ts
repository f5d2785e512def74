// `fw4 check`: each rule nft would refuse, as a finding at the file:line of its section.
import type { CheckFinding, SourceLocator } from '../check.js';
import type { Ruleset } from '../compile/types.js';
import { diagnosticText } from '../load/diagnostics.js';
import { refusalContext } from './context.js';
import { findKernelRefusals, type KernelRefusal } from './refusals.js';

export function refusalFinding(r: KernelRefusal, locators: Record<string, SourceLocator>): CheckFinding {
  const where = r.origin ? locators[r.origin.package] : undefined;
  const line = where && r.origin && r.origin.index >= 0 ? where.line(r.origin.index) : undefined;
  const message = `renders a rule nft refuses (ruleset line ${r.line}: ${r.nft}); print --fix ${r.fix}`;
  return {
    file: where?.file ?? '-',
    ...(line !== undefined ? { line } : {}),
    // worded like fw4's own warnings about the section
    message: r.origin ? diagnosticText({ message, section: r.origin }) : `${r.section} ${message}`,
  };
}

/** The kernel-refusal findings of a translation (its text and compiled ruleset). */
export function kernelRefusalFindings(text: string, ruleset: Ruleset, locators: Record<string, SourceLocator>): CheckFinding[] {
  return findKernelRefusals(text, refusalContext(ruleset)).map((r) => refusalFinding(r, locators));
}
