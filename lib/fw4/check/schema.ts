// The option schemas as a validator: values no fw4 parser accepts, per section and option.
import { createRequire } from 'node:module';
import type { Ajv as AjvClass } from 'ajv';
import type { UciPackage } from '../../uci/types.js';
import { OPTION_SPECS, SECTION_SCHEMAS, type Datatype, type SectionType } from '../schema.js';
import { parseValue } from '../load/options.js';
import { parseInvert, parseSubnetLiteral, splitWords } from '../options/values.js';

const EMPTY_CONTEXT = { networks: new Map(), zones: [], helpers: [] };

/** Syntax-only checks for the datatypes whose real parser needs the loaded zones or interfaces. */
function formatCheck(datatype: Datatype): (value: string) => boolean {
  switch (datatype) {
    case 'zone_ref': return (v) => v === '*' || /^[a-zA-Z_.][a-zA-Z0-9/_.-]*$/.test(v);
    case 'cthelper': return (v) => parseInvert(v) !== null;
    case 'network': return (v) => {
      const rv = parseInvert(v);
      return !!rv && (parseSubnetLiteral(rv.val) !== null || /^[A-Za-z0-9_.@-]+$/.test(rv.val));
    };
    default: return (v) => parseValue(datatype, v, EMPTY_CONTEXT) !== null;
  }
}

type AjvValidate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
let validators: Map<string, AjvValidate> | undefined;
// ajv (CommonJS) is required on the first check rather than imported: printing a ruleset,
// through the CLI or the library, never loads it
const requireCjs = createRequire(import.meta.url);

function schemaValidators(): Map<string, AjvValidate> {
  if (validators) return validators;
  const { Ajv } = requireCjs('ajv') as { Ajv: typeof AjvClass };
  const ajv = new Ajv({ strict: false, allErrors: true });
  const datatypes = new Set(Object.values(OPTION_SPECS).flatMap((specs) => specs.map((s) => s.datatype)));
  for (const dt of datatypes) {
    const one = formatCheck(dt);
    ajv.addFormat(`fw4-${dt}`, one);
    ajv.addFormat(`fw4-${dt}-list`, (v) => splitWords(v).every(one));
  }
  validators = new Map(Object.entries(SECTION_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]));
  return validators;
}

/** One schema violation: a section and option whose value no fw4 parser accepts. */
export interface SchemaViolation { sectionIndex: number; type: string; option?: string; message: string }

/** Schema violations of each known section, one per option. */
export function schemaViolations(pkg: UciPackage): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  const v = schemaValidators();
  for (const s of pkg.sections) {
    const validate = v.get(s.type);
    if (!validate || validate(Object.fromEntries(s.options))) continue;
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const option = e.instancePath.split('/')[1];
      const key = option ?? '';
      // anyOf alternatives (string or list) each report; one line per option is enough
      if (seen.has(key)) continue;
      seen.add(key);
      const spec = option ? OPTION_SPECS[s.type as SectionType]?.find((o) => o.name === option) : undefined;
      out.push({
        sectionIndex: s.index,
        type: s.type,
        ...(option ? { option } : {}),
        message: spec ? `option '${option}' is not a valid ${spec.datatype}${spec.list ? ' list' : ''}` : e.message ?? 'invalid',
      });
    }
  }
  return out;
}
