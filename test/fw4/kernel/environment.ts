// What this kernel lacks, and the exact constructs the harness strips because of it.
import { nftCheck } from './netns.js';

export interface KernelGaps {
  /** No NF_FLOW_TABLE: `flowtable` blocks and `flow offload`/`flow add` statements fail. */
  flowtables: boolean;
  /** No nf_conntrack_rtsp: `ct helper … { type "rtsp" … }` fails. */
  rtspHelper: boolean;
}

export function probeKernelGaps(): KernelGaps {
  const flowtable = 'table inet probe {\n\tflowtable ft {\n\t\thook ingress priority 0;\n\t\tdevices = { "kv0" };\n\t}\n}\n';
  const rtsp = 'table inet probe {\n\tct helper rtsp {\n\t\ttype "rtsp" protocol tcp;\n\t}\n}\n';
  return { flowtables: !nftCheck(flowtable, ['kv0']).accepted, rtspHelper: !nftCheck(rtsp).accepted };
}

export function describeGaps(gaps: KernelGaps): string[] {
  const notes: string[] = [];
  if (gaps.flowtables) notes.push('no flowtables in this kernel: flowtable blocks and flow offload/add statements stripped');
  if (gaps.rtspHelper) notes.push('no rtsp conntrack helper in this kernel: ct helper rtsp and rules setting it stripped');
  return notes;
}

export interface Stripped {
  text: string;
  /** How many blocks and rule lines were removed. */
  removed: number;
}

/**
 * Removes exactly the constructs the kernel cannot load here. A rule line whose statement is
 * `flow offload`/`flow add`, or that sets the rtsp helper, goes as a whole: those statements are
 * the rule's only action in fw4's output.
 */
export function stripUnsupported(ruleset: string, gaps: KernelGaps): Stripped {
  const out: string[] = [];
  let removed = 0;
  let skipping = false;
  const lines = ruleset.split('\n');
  for (const [i, line] of lines.entries()) {
    if (skipping) {
      if (line === '\t}') skipping = false;
      continue;
    }
    const block =
      (gaps.flowtables && /^\tflowtable \S+ \{$/.test(line)) ||
      (gaps.rtspHelper && /^\tct helper \S+ \{$/.test(line) && /^\t\ttype "rtsp" /.test(lines[i + 1] ?? ''));
    if (block) {
      skipping = true;
      removed++;
      continue;
    }
    if (gaps.flowtables && /(^|\s)flow (offload|add) @/.test(line)) {
      removed++;
      continue;
    }
    if (gaps.rtspHelper && /\sct helper set "rtsp"(\s|$)/.test(line)) {
      removed++;
      continue;
    }
    out.push(line);
  }
  return { text: out.join('\n'), removed };
}
