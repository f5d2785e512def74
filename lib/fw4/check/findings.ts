// `fw4 check`'s findings: fw4's warnings and the schema violations, each at file:line.
import type { UciPackage } from '../../uci/types.js';
import type { Diagnostic, SectionRef } from '../load/diagnostics.js';
import { diagnosticText } from '../load/diagnostics.js';
import type { SourceLocator } from '../locator.js';
import { schemaViolations } from './schema.js';

export interface CheckFinding {
  /** The config file (as its locator names it), or `-` for what no file holds (ubus, the system). */
  file: string;
  line?: number;
  message: string;
}

/** Source locators by package name (`firewall`, `helpers`). */
export type Locators = Readonly<Record<string, SourceLocator>>;

/** The file and line of a section, or of one of its options, when a locator knows them. */
export function locate(section: SectionRef | undefined, option: string | undefined, locators: Locators): Pick<CheckFinding, 'file' | 'line'> {
  const where = section ? locators[section.package] : undefined;
  const line = where && section && section.index >= 0 ? where.line(section.index, option) : undefined;
  return { file: where?.file ?? '-', ...(line !== undefined ? { line } : {}) };
}

/** fw4's warnings with the file and line of the section or option they are about. */
export function locateDiagnostics(diagnostics: readonly Diagnostic[], locators: Locators): CheckFinding[] {
  return diagnostics.map((d) => ({ ...locate(d.section, d.option, locators), message: diagnosticText(d) }));
}

/**
 * fw4's warnings, plus schema violations fw4 did not already warn about (e.g. in sections it
 * skipped for another reason), ordered by file and line.
 */
export function checkFindings(pkg: UciPackage, diagnostics: readonly Diagnostic[], locators: Locators): CheckFinding[] {
  const where = locators[pkg.name];
  const covered = new Set(diagnostics.filter((d) => d.section?.package === pkg.name).map((d) => `${d.section!.index}/${d.option ?? ''}`));
  const schema: CheckFinding[] = [];
  if (where) {
    for (const v of schemaViolations(pkg)) {
      if (covered.has(`${v.sectionIndex}/${v.option ?? ''}`)) continue;
      const line = where.line(v.sectionIndex, v.option);
      schema.push({ file: where.file, ...(line !== undefined ? { line } : {}), message: `config ${v.type}: ${v.message}` });
    }
  }
  const all = [...locateDiagnostics(diagnostics, locators), ...schema];
  return all
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (a.f.file === b.f.file ? (a.f.line ?? 0) - (b.f.line ?? 0) || a.i - b.i : a.f.file < b.f.file ? -1 : 1))
    .map(({ f }) => f);
}

/** A finding as `fw4 check` prints it: `file:line: message`. */
export function formatFinding(f: CheckFinding): string {
  return `${f.file}${f.line !== undefined ? `:${f.line}` : ''}: ${f.message}\n`;
}
