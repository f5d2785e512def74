// fw4's warnings as structured values; `formatDiagnostic` renders the exact stderr line.

/** Where a diagnostic comes from: a UCI section or an object registered over ubus. */
export interface SectionRef {
  /** `firewall`, `helpers`, or `ubus`. */
  package: string;
  /** Section type (`rule`, `zone`, …); for ubus objects their `type`. */
  type: string;
  /** fw4's section id: `@rule[3]` for anonymous sections, the name otherwise; null where fw4 prints `(null)`. */
  id: string | null;
  /** Position among all sections of the package (for file:line lookups); -1 for ubus objects. */
  index: number;
  /** The section's `name` option, when set. */
  label?: string;
}

export interface Diagnostic {
  message: string;
  section?: SectionRef;
  option?: string;
  /** Written with ucode's plain warn(): no `[!] ` prefix, not silenced by QUIET. */
  raw?: boolean;
}

export interface FormatOptions {
  /** Colour instead of `[!] `, as fw4 does when env TTY is set. */
  tty?: boolean;
}

const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;

/** Control characters in names and values are shown escaped, so a warning stays one line. */
function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** The message as fw4 words it, without prefix or newline. */
export function diagnosticText(d: Diagnostic): string {
  return escapeControls(sectionText(d));
}

function sectionText(d: Diagnostic): string {
  const s = d.section;
  if (!s) return d.message;
  const label = s.label !== undefined ? ` (${s.label})` : '';
  if (s.package === 'ubus') return `ubus ${s.type || 'rule'}${label} ${d.message}`;
  return `Section ${s.id ?? '(null)'}${label} ${d.message}`;
}

/** One stderr line (with newline) exactly as fw4 writes it. */
export function formatDiagnostic(d: Diagnostic, opts: FormatOptions = {}): string {
  if (d.raw) return d.message.endsWith('\n') ? d.message : `${d.message}\n`;
  const text = diagnosticText(d);
  return opts.tty ? `\x1b[33m${text}\x1b[m\n` : `[!] ${text}\n`;
}

/** Collects diagnostics in the order fw4 emits them. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];

  warn(section: SectionRef | undefined, message: string, option?: string): void {
    // one object shape for every warning: a conditional spread here took V8's slow path each time
    this.list.push({ section, message, option });
  }

  plain(message: string): void {
    this.list.push({ message });
  }

  raw(message: string): void {
    this.list.push({ message, raw: true });
  }
}
