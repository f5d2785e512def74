// uci-fw4's `offload` option (an extension, see selective.ts): its values per section. The schema
// entry makes the loader validate it like any fw4 bool (a bad value rejects the section with fw4's
// "specifies invalid value" warning); this reads the validated values back for the compiler.
import type { Ruleset } from '../../compile/types.js';
import type { SectionRef } from '../../load/diagnostics.js';
import { parseBool } from '../../options/values.js';
import type { UciPackage } from '../../../uci/types.js';

const TYPES = new Set(['zone', 'rule', 'forwarding']);

/** `{ offloadOptions }` for the ruleset when some section sets the option, else nothing at all. */
export function offloadOptions(firewall: UciPackage): Pick<Ruleset, 'offloadOptions'> {
  const values = new Map<number, boolean>();
  for (const s of firewall.sections) {
    const raw = s.options.get('offload');
    if (!TYPES.has(s.type) || typeof raw !== 'string') continue;
    const value = parseBool(raw);
    if (value !== null) values.set(s.index, value);
  }
  return values.size ? { offloadOptions: values } : {};
}

/** The option's value on the section `ref` comes from, if set. */
export function offloadOption(rs: Ruleset, ref: SectionRef | undefined): boolean | undefined {
  if (!ref || ref.package !== 'firewall') return undefined;
  return rs.offloadOptions?.get(ref.index);
}
