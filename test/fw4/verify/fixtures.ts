// Small rulesets in fw4's layout, for the refusal checks and their kernel confirmation.

/** A ruleset with fw4's header and one chain per entry (rules given without indentation). */
export function ruleset(chains: Record<string, string[]>): string {
  const out = ['table inet fw4', 'flush table inet fw4', '', 'table inet fw4 {'];
  for (const [name, rules] of Object.entries(chains)) {
    out.push(`\tchain ${name} {`, ...rules.map((r) => `\t\t${r}`), '\t}', '');
  }
  out.push('}', '');
  return out.join('\n');
}

export const long = (n: number): string => 'x'.repeat(n);
