// Names why nft refused a ruleset, from its diagnostics and the lines they point at.
export type FailureKind = 'custom-helper' | 'missing-include' | 'hardware-offload' | 'port-mapping' | 'family-conflict' | 'other';

/** Failures that come from this machine, not from the ruleset: they may remain after --fix. */
export const ENVIRONMENTAL: ReadonlySet<FailureKind> = new Set(['custom-helper', 'missing-include', 'hardware-offload']);

export function classifyFailure(errors: string, ruleset: string): FailureKind[] {
  const lines = ruleset.split('\n');
  const kinds = new Set<FailureKind>();
  for (const m of errors.matchAll(/^ruleset:(\d+):\d+-\d+: Error: (.*)$/gm)) {
    const line = lines[Number(m[1]) - 1] ?? '';
    const message = m[2] ?? '';
    if (message.startsWith('File not found:') && /^\s*include "/.test(line)) kinds.add('missing-include');
    else if (message.startsWith('transport protocol mapping is only valid after transport protocol match')) kinds.add('port-mapping');
    else if (message.startsWith('conflicting protocols specified')) kinds.add('family-conflict');
    // a flowtable with `flags offload` over devices whose driver cannot offload (veth), and the
    // `flow offload` statement that then names no flowtable
    else if (/Operation not supported/.test(message) && /^\tflowtable \S+ \{$/.test(line)) kinds.add('hardware-offload');
    else if (/No such file or directory/.test(message) && /\sflow (offload|add) @/.test(line) && ruleset.includes('\t\tflags offload;')) kinds.add('hardware-offload');
    else if (/No such file or directory/.test(message) && /^\tct helper \S+ \{$|\sct helper set "/.test(line)) kinds.add('custom-helper');
    else kinds.add('other');
  }
  // An include nft cannot open leaves the parser mid-block: its follow-on syntax errors say nothing.
  if (kinds.has('missing-include')) kinds.delete('other');
  if (kinds.size === 0) kinds.add('other');
  return [...kinds].sort();
}
