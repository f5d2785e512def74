// Built-in migration `fw4-compat`: turns a fw3-era /etc/config/firewall into one fw4 loads
// without a deprecation or "not supported" warning and that renders the same ruleset (rule
// comments aside). fw4's option table (schemas/firewall) says which options are deprecated or
// unsupported; fw4's own value parsers say whether fw4 accepts a value.
import { OPTION_SPECS, type OptionSpec, type SectionType } from '../../fw4/schema.js';
import { parseValue, type ParseContext } from '../../fw4/load/options.js';
import { POLICIES, TARGETS, parseBool, parseEnum, splitWords } from '../../fw4/options/values.js';
import { sectionRefs, type OptionValue } from '../../uci/index.js';
import type { Transaction } from '../transaction.js';
import type { Migration } from '../types.js';

const PKG = 'firewall';
// The helper table lives in its own package; a `config helper` in /etc/config/firewall is ignored by fw4.
const FIREWALL_TYPES = new Set<string>(['defaults', 'zone', 'forwarding', 'rule', 'redirect', 'nat', 'include', 'ipset']);
// Values fw4 checks without looking anything up (the deprecated/unsupported options' types).
const NO_CONTEXT: ParseContext = { networks: new Map(), zones: [], helpers: [] };

/** Whether fw4's parse_options accepts the value (an unsupported option is then dropped with a warning, not fatal). */
function accepted(spec: OptionSpec, raw: OptionValue): boolean {
  if (Array.isArray(raw) && !spec.list) return false;
  const items = Array.isArray(raw) ? raw : spec.list ? splitWords(raw) : [raw];
  return items.every((item) => parseValue(spec.datatype, item, NO_CONTEXT) !== null);
}

interface Place { section: string; ref: string; option: string; value: OptionValue }

function migrateSection(tx: Transaction, type: SectionType, name: string, ref: string, options: Map<string, OptionValue>): void {
  const specs = OPTION_SPECS[type];
  const spec = (option: string): OptionSpec | undefined => specs.find((s) => s.name === option);
  const at = (p: Place, message: string): void => {
    tx.note(message, { package: PKG, section: p.ref, option: p.option, line: tx.lineOf(PKG, p.section, p.option) });
  };
  const commentOut = (p: Place, why: string): void => {
    at(p, `commented out: ${why}`);
    tx.commentOut(PKG, p.section, p.option, `uci-fw4 fw4-compat: ${why}`);
  };

  for (const [option, value] of options) {
    const s = spec(option);
    const p: Place = { section: name, ref, option, value };
    if (!s) continue;
    if (type === 'defaults' && option === 'syn_flood') {
      // fw3's name; fw4 copies it into synflood_protect only when that is unset (fw4.uc parse_defaults)
      if (!accepted(s, value)) at(p, `left in place: fw4 rejects its value either way`);
      else if (options.has('synflood_protect')) commentOut(p, `fw3 option 'syn_flood' is superseded by option 'synflood_protect'`);
      else {
        at(p, `renamed to 'synflood_protect' (fw3's name)`);
        tx.rename(PKG, name, option, 'synflood_protect');
      }
    } else if ((s.datatype === 'policy' || s.datatype === 'target') && typeof value === 'string') {
      const word = parseEnum(value, s.datatype === 'policy' ? POLICIES : TARGETS);
      if (word !== null && word !== value) {
        at(p, `'${value}' → '${word}'`);
        tx.set(PKG, name, option, word);
      }
    } else if (s.deprecated && option === '_name') {
      const log = options.get('log');
      const logs = typeof log === 'string' && parseBool(log) === true;
      if (!accepted(s, value)) at(p, `left in place: fw4 rejects its value, so the section is skipped either way`);
      else if (options.has('name')) commentOut(p, `option '_name' is deprecated by fw4 and superseded by option 'name'`);
      else if (logs) commentOut(p, `option '_name' is deprecated by fw4; not renamed to 'name', which would change the log prefix`);
      else {
        at(p, `renamed to 'name' (option '_name' is deprecated by fw4)`);
        tx.rename(PKG, name, option, 'name');
      }
    } else if (s.unsupported) {
      if (accepted(s, value)) commentOut(p, `option '${option}' is not supported by fw4`);
      else at(p, `left in place: not supported by fw4, and fw4 rejects its value, so the section is skipped either way`);
    }
  }
}

export const fw4Compat: Migration = {
  id: 'fw4-compat',
  packages: [PKG],
  description: "fw3-era firewall to fw4: syn_flood → synflood_protect, _name → name, upper-case targets and policies to fw4's words, unsupported options commented out with a note",
  up(tx) {
    if (!tx.configs().includes(PKG)) return;
    const { sections } = tx.load(PKG);
    const refs = sectionRefs(sections);
    sections.forEach((s, i) => {
      if (FIREWALL_TYPES.has(s.type)) migrateSection(tx, s.type as SectionType, s.name, refs[i]!, s.options);
    });
  },
};
