// How `uci show` names sections (cli.c uci_show_package with extended syntax), which fw4 and the
// migrations reuse in their messages: `@type[n]` for an anonymous section, n counting the
// sections of that type from 0; the name for a named one.

/** The reference of every section, in order. */
export function sectionRefs(sections: readonly { type: string; name: string; anonymous: boolean }[]): string[] {
  const seen = new Map<string, number>();
  return sections.map((s) => {
    const n = seen.get(s.type) ?? 0;
    seen.set(s.type, n + 1);
    return s.anonymous ? `@${s.type}[${n}]` : s.name;
  });
}
