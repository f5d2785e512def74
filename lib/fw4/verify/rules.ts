// The rule lines of a rendered ruleset, as the kernel check sees them: each with its chain,
// its line number and the section name fw4 writes into its comment.

export interface RenderedRule {
  /** 1-based line number in the ruleset text. */
  line: number;
  chain: string;
  /** The rule without its leading tabs. */
  text: string;
  /** What follows `!fw4: ` in the rule's comment, or null for a rule without one. */
  comment: string | null;
  /** Words and quoted strings, in order; quoted strings keep their quotes. */
  tokens: string[];
}

const CHAIN_OPEN = /^\tchain (\S+) \{$/;
const COMMENT = / comment "!fw4: ([^"]*)"$/;

export function renderedRules(ruleset: string): RenderedRule[] {
  const rules: RenderedRule[] = [];
  let chain: string | null = null;
  ruleset.split('\n').forEach((raw, i) => {
    const open = CHAIN_OPEN.exec(raw);
    if (open) {
      chain = open[1] ?? null;
      return;
    }
    if (raw === '\t}') chain = null;
    if (chain === null || !raw.startsWith('\t\t')) return;
    const text = raw.slice(2);
    // Base-chain declarations, include lines and comments are not rules.
    if (text === '' || text.startsWith('#') || /^(type|policy|include) /.test(text)) return;
    rules.push({ line: i + 1, chain, text, comment: COMMENT.exec(text)?.[1] ?? null, tokens: tokenize(text) });
  });
  return rules;
}

/** Splits a rule on blanks, keeping each double-quoted string (fw4 never escapes inside) whole. */
export function tokenize(text: string): string[] {
  return text.match(/"[^"]*"|[^\s"]+/g) ?? [];
}
