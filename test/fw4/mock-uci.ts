// fw4's test harness feeds UCI configs as JSON (type → section or list of sections, ucode's
// lenient JSON with trailing commas); this turns one into a UciPackage for the library tests.
import { readFileSync } from 'node:fs';
import type { OptionValue, UciPackage, UciSection } from '../../lib/uci/types.js';

export function packageFromMockJson(name: string, file: string): UciPackage {
  const text = readFileSync(file, 'utf8').replace(/,(\s*[\]}])/g, '$1');
  const data = JSON.parse(text) as Record<string, Record<string, unknown> | Record<string, unknown>[]>;
  const sections: UciSection[] = [];
  for (const [type, value] of Object.entries(data)) {
    for (const s of Array.isArray(value) ? value : [value]) {
      const options = new Map<string, OptionValue>();
      for (const [k, v] of Object.entries(s)) {
        if (!k.startsWith('.')) options.set(k, Array.isArray(v) ? v.map(String) : String(v));
      }
      const named = typeof s['.name'] === 'string';
      const index = sections.length;
      sections.push({
        type, name: named ? (s['.name'] as string) : `cfg${(index + 1).toString(16).padStart(6, '0')}`,
        anonymous: !named, index, options,
      });
    }
  }
  return { name, sections };
}
