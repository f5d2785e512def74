// `fw4 check`: each rule nft would refuse, as a finding at the file:line of its section.
import type { Ruleset } from '../compile/types.js';
import { diagnosticText } from '../load/diagnostics.js';
import { renderTraced } from '../render/ruleset.js';
import { findKernelRefusals, refusalContext, type KernelRefusal } from '../verify/index.js';
import { locate, type CheckFinding, type Locators } from './findings.js';

export function refusalFinding(r: KernelRefusal, locators: Locators): CheckFinding {
  const message = `renders a rule nft refuses (ruleset line ${r.line}: ${r.nft}); print --fix ${r.fix}`;
  return {
    ...locate(r.origin, undefined, locators),
    // worded like fw4's own warnings about the section
    message: r.origin ? diagnosticText({ message, section: r.origin }) : `${r.section} ${message}`,
  };
}

/** The kernel-refusal findings of a compiled ruleset, each at the file:line of the section behind it. */
export function kernelRefusalFindings(ruleset: Ruleset, locators: Locators): CheckFinding[] {
  const { text, origins } = renderTraced(ruleset);
  return findKernelRefusals(text, refusalContext(ruleset, origins)).map((r) => refusalFinding(r, locators));
}
