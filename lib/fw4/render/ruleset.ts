// The whole ruleset text, laid out exactly as fw4's templates/ruleset.uc prints it: one module per
// block of the template (declarations, filter, NAT, raw and mangle rules).
import type { Ruleset } from '../compile/types.js';
import type { SectionRef } from '../load/diagnostics.js';
import { renderDeclarations } from './declarations.js';
import { renderFilterRules } from './filter.js';
import { renderNatRules } from './nat.js';
import { renderMangleRules } from './mangle.js';
import { renderRawRules } from './raw.js';
import { RulesetWriter } from './writer.js';

function render(rs: Ruleset, trace: boolean): RulesetWriter {
  const c = new RulesetWriter(rs, trace);
  c.w('table inet fw4\nflush table inet fw4\n');
  if (rs.deleteFlowtable) c.w('delete flowtable inet fw4 ft\n');
  c.includes('ruleset-prepend');
  c.w('\ntable inet fw4 {\n');
  renderDeclarations(c);
  renderFilterRules(c);
  renderNatRules(c);
  renderRawRules(c);
  renderMangleRules(c);
  c.includes('table-append');
  c.w('}\n');
  c.includes('ruleset-append');
  return c;
}

export function renderRuleset(rs: Ruleset): string {
  return render(rs, false).text();
}

export interface TracedRuleset {
  text: string;
  /** Per 1-based line of the text, the section the line comes from (zone, rule, set, …). */
  origins: (SectionRef | undefined)[];
}

/** The ruleset with the section each line comes from (what `fw4 check` locates refusals by). */
export function renderTraced(rs: Ruleset): TracedRuleset {
  const c = render(rs, true);
  return { text: c.text(), origins: c.lineOrigins() };
}
