// `fw4 check` as one library call: what the CLI prints and the RPC `firewall.check` answers.
import { Fw4RuntimeError } from '../load/sections.js';
import { diagnosticText } from '../load/diagnostics.js';
import { compileFirewall, type FirewallInput } from '../compile/firewall.js';
import { checkFindings, locate, type CheckFinding, type Locators } from './findings.js';
import { kernelRefusalFindings } from './refusals.js';

export { checkFindings, formatFinding, locateDiagnostics } from './findings.js';
export type { CheckFinding, Locators } from './findings.js';
export { kernelRefusalFindings, refusalFinding } from './refusals.js';
export { schemaViolations } from './schema.js';
export type { SchemaViolation } from './schema.js';

export interface CheckInput extends FirewallInput {
  /** Where each package's text is, by package name (`firewall`, `helpers`): findings get its file:line. */
  locators?: Locators;
}

/**
 * Every finding of `fw4 check`, in the order it prints them: fw4's warnings and the schema
 * violations by file and line, then each rendered rule the kernel would refuse. Where fw4 itself
 * crashes, the warnings it printed before and the crash, at the section it was reading.
 */
export function checkFirewall(input: CheckInput): CheckFinding[] {
  const locators = input.locators ?? {};
  try {
    const c = compileFirewall(input);
    return [...checkFindings(input.firewall, c.diagnostics, locators), ...kernelRefusalFindings(c.ruleset, locators)];
  } catch (e) {
    if (!(e instanceof Fw4RuntimeError)) throw e;
    const crash: CheckFinding = {
      ...locate(e.section, undefined, locators),
      message: diagnosticText({ message: `stops fw4 (exit ${e.exitCode}): ${e.message}`, ...(e.section ? { section: e.section } : {}) }),
    };
    return [...checkFindings(input.firewall, e.diagnostics, locators), crash];
  }
}
