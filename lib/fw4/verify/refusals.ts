// Rules fw4 renders that nft refuses to load, found on the rendered text (what nft reads).
// Each check was found by loading rendered rulesets into a kernel (test/fw4/kernel.test.ts);
// each refusal carries the fix `print --fix` applies.
import type { SectionRef } from '../load/diagnostics.js';
import { renderedRules, type RenderedRule } from './rules.js';

export type RefusalKind =
  /** `dnat`/`snat ADDR:PORT` or `redirect to PORT` with no transport protocol match before it (fw4 redirect.uc L3-5). */
  | 'port-mapping-without-protocol'
  /** An IPv4 and an IPv6 match in one rule, e.g. masq with IPv6 `subnet` entries (zone-drop-invalid.uc). */
  | 'family-conflict'
  /** `meta time` from a later date to an earlier one (start_date after stop_date). */
  | 'empty-time-range'
  /** A comment longer than the 128 bytes nft stores. */
  | 'comment-too-long'
  /** An interface name longer than IFNAMSIZ - 1 (15 bytes). */
  | 'device-name-too-long';

export interface KernelRefusal {
  kind: RefusalKind;
  /** 1-based line in the rendered ruleset. */
  line: number;
  /** The chain holding the rule, or the set/object for a declaration line. */
  chain: string;
  /** The UCI section the line comes from, as fw4 names it in warnings: `@redirect[1] (Name)`, `wan`. */
  section: string;
  /** That section, when the context knows it (for file:line). */
  origin?: SectionRef;
  /** The line as rendered, without indentation. */
  rule: string;
  /** What nft says when it refuses the line. */
  nft: string;
  /** The line `print --fix` writes instead, or null when it leaves the rule out. */
  replacement: string | null;
  /** What the fix does, in words. */
  fix: string;
}

/** What the rendered text does not say: supplied from the compiled ruleset (`refusalContext`). */
export interface RefusalContext {
  /** The section a line of the ruleset (1-based) comes from: its rule, zone or set. */
  originAt?(line: number): SectionRef | undefined;
  /**
   * The protocol of each rule rendered in `chain` with this comment name whose only port is
   * the rewrite port, in rendering order.
   */
  protocolsOf?(chain: string, name: string): string[] | undefined;
}

export const COMMENT_MAX_BYTES = 128;
export const DEVICE_NAME_MAX_BYTES = 15;

const PORT_MAPPING = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])?:\d+(?:-\d+)?$/;
const TRANSPORT = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite', 'th']);

export function findKernelRefusals(ruleset: string, context: RefusalContext = {}): KernelRefusal[] {
  const refusals: KernelRefusal[] = [];
  const rules = renderedRules(ruleset);
  const occurrences = new Map<string, number>();
  for (const rule of rules) {
    const source = sourceOf(rule, context);
    const conflict = familyConflict(rule.tokens);
    if (conflict) {
      refusals.push({
        kind: 'family-conflict', line: rule.line, chain: rule.chain, ...source, rule: rule.text,
        nft: `conflicting protocols specified: ${conflict[0]} vs. ${conflict[1]}`,
        replacement: null, fix: 'left out: no packet is both IPv4 and IPv6, so the rule could never match',
      });
      continue;
    }
    if (emptyTimeRange(rule.tokens)) {
      refusals.push({
        kind: 'empty-time-range', line: rule.line, chain: rule.chain, ...source, rule: rule.text,
        nft: 'Range has zero or negative size',
        replacement: null, fix: 'left out: start_date is after stop_date, so the rule could never match',
      });
      continue;
    }
    const at = portMappingIndex(rule.tokens);
    if (at >= 0) {
      const key = `${rule.chain}\n${rule.comment ?? ''}`;
      const seen = occurrences.get(key) ?? 0;
      occurrences.set(key, seen + 1);
      const protocol = protocolFor(rule, seen, context);
      refusals.push({
        kind: 'port-mapping-without-protocol', line: rule.line, chain: rule.chain, ...source, rule: rule.text,
        nft: 'transport protocol mapping is only valid after transport protocol match',
        replacement: withProtocol(rule.text, protocol),
        fix: `adds the section's protocol match \`meta l4proto ${protocol}\` where fw4 places it`,
      });
    }
    const devices = fixDevices(rule.text);
    if (devices) {
      refusals.push({
        kind: 'device-name-too-long', line: rule.line, chain: rule.chain, ...source, rule: rule.text,
        nft: `String exceeds maximum length of ${DEVICE_NAME_MAX_BYTES + 1}`,
        replacement: devices.replacement,
        fix: devices.replacement === null
          ? 'left out: it only matches interfaces whose names no interface can have'
          : 'drops the names no interface can have from its interface matches',
      });
    }
  }
  refusals.push(...longComments(ruleset, context));
  return refusals.sort((a, b) => a.line - b.line);
}

interface Source {
  section: string;
  origin?: SectionRef;
}

function sourceOf(rule: RenderedRule, context: RefusalContext): Source {
  const origin = context.originAt?.(rule.line);
  if (rule.comment === 'Prevent NAT leakage') return located(origin, `zone ${rule.chain.replace(/^[a-z]+_to_/, '')}`);
  return located(origin, rule.comment ?? rule.chain);
}

function located(origin: SectionRef | undefined, fallback: string): Source {
  return origin ? { section: sectionLabel(origin), origin } : { section: fallback };
}

/** A section as fw4's warnings name it. */
export function sectionLabel(ref: SectionRef): string {
  const label = ref.label !== undefined ? ` (${ref.label})` : '';
  return ref.package === 'ubus' ? `ubus ${ref.type}${label}` : `${ref.id ?? '(null)'}${label}`;
}

/** Index of the NAT statement that maps a port with no transport protocol match before it. */
function portMappingIndex(tokens: string[]): number {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    if (t === 'l4proto' || (TRANSPORT.has(t) && /^(sport|dport)$/.test(tokens[i + 1] ?? ''))) return -1;
    if ((t === 'dnat' || t === 'snat') && PORT_MAPPING.test(tokens[i + 1] ?? '')) return i;
    if (t === 'redirect' && tokens[i + 1] === 'to') return i;
  }
  return -1;
}

// Without the compiled ruleset the protocol is unknown: both of the ones a port implies.
function protocolFor(rule: RenderedRule, seen: number, context: RefusalContext): string {
  const protocols = context.protocolsOf?.(rule.chain, rule.comment ?? '');
  return protocols?.[seen] ?? '{ tcp, udp }';
}

function withProtocol(text: string, protocol: string): string {
  const family = /^meta nfproto ipv[46] /.exec(text)?.[0] ?? '';
  return `${family}meta l4proto ${protocol} ${text.slice(family.length)}`;
}

/** The first network protocol a rule commits to and the one that contradicts it, if any. */
function familyConflict(tokens: string[]): [string, string] | null {
  let first: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    let proto: string | null = null;
    if (t === 'nfproto' && tokens[i - 1] === 'meta') proto = tokens[i + 1] === 'ipv6' ? 'ip6' : tokens[i + 1] === 'ipv4' ? 'ip' : null;
    else if ((t === 'ip' || t === 'ip6') && /^[a-z]+$/.test(tokens[i + 1] ?? '') && tokens[i - 1] !== 'meta') proto = t;
    if (proto === null) continue;
    if (first === null) first = proto;
    else if (proto !== first) return [first, proto];
  }
  return null;
}

function emptyTimeRange(tokens: string[]): boolean {
  for (let i = 0; i + 3 < tokens.length; i++) {
    if (tokens[i] !== 'time' || tokens[i - 1] !== 'meta' || tokens[i + 2] !== '-') continue;
    const from = Date.parse(`${(tokens[i + 1] ?? '').slice(1, -1).replace(' ', 'T')}Z`);
    const to = Date.parse(`${(tokens[i + 3] ?? '').slice(1, -1).replace(' ', 'T')}Z`);
    if (from > to) return true;
  }
  return false;
}

// a set's names are quoted by fw4 and may hold any character but `"` (quote() turns it into `'`)
const DEVICE_MATCH = /(iifname|oifname)( !=)? ("[^"]*"|\{ (?:"[^"]*"|[^"}])* \})( |$)/g;

/**
 * Interface matches with names the kernel cannot hold: a positive match keeps its possible
 * names (none left: the rule is dropped), a negative one drops the impossible names (always
 * true for them), and the whole match when none remain.
 */
function fixDevices(text: string): { replacement: string | null } | null {
  let changed = false;
  let never = false;
  const replacement = text.replace(DEVICE_MATCH, (whole, keyword: string, negation: string | undefined, value: string, after: string) => {
    const names = value.startsWith('{') ? value.slice(2, -2).match(/"[^"]*"|[^",\s]+/g) ?? [] : [value];
    const fitting = names.filter((n) => Buffer.byteLength(unquote(n)) <= DEVICE_NAME_MAX_BYTES);
    if (fitting.length === names.length) return whole;
    changed = true;
    if (fitting.length === 0) {
      if (!negation) never = true;
      return '';
    }
    return `${keyword}${negation ?? ''} ${fitting.length === 1 ? fitting[0] : `{ ${fitting.join(', ')} }`}${after}`;
  });
  if (!changed) return null;
  return { replacement: never ? null : replacement };
}

function unquote(token: string): string {
  return token.startsWith('"') ? token.slice(1, -1) : token;
}

/** Every `comment "…"` over nft's limit, on rules, sets and limit objects alike. */
function longComments(ruleset: string, context: RefusalContext): KernelRefusal[] {
  const refusals: KernelRefusal[] = [];
  let block = '';
  ruleset.split('\n').forEach((raw, i) => {
    const open = /^\t(?:chain|set|limit|ct helper) (\S+) \{$/.exec(raw);
    if (open) block = open[1] ?? '';
    const m = /comment "([^"]*)"/.exec(raw);
    if (!m || Buffer.byteLength(m[1] ?? '') <= COMMENT_MAX_BYTES) return;
    const comment = m[1] ?? '';
    refusals.push({
      kind: 'comment-too-long', line: i + 1, chain: block,
      ...located(context.originAt?.(i + 1), comment.startsWith('!fw4: ') ? comment.slice(6) : block),
      rule: raw.trimStart(),
      nft: `comment too long, ${COMMENT_MAX_BYTES} characters maximum allowed`,
      replacement: raw.trimStart().replace(`comment "${comment}"`, `comment "${truncateUtf8(comment, COMMENT_MAX_BYTES)}"`),
      fix: `cuts the comment to its first ${COMMENT_MAX_BYTES} bytes`,
    });
  });
  return refusals;
}

function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > maxBytes) break;
    out += ch;
  }
  return out;
}
