// Where findings point in a parsed config (fw4 check, the RPC firewall object). Its own module:
// printing never loads the check.
import type { Document } from '../uci/document.js';

/** Where a finding is, when the config text is known. */
export interface SourceLocator {
  file: string;
  /** 1-based line of a section's header, or of one of its options. */
  line(sectionIndex: number, option?: string): number | undefined;
}

/** The locator of a parsed config: an option the section does not have is placed at its section. */
export function documentLocator(file: string, doc: Document): SourceLocator {
  return {
    file,
    line: (index, option) => (option !== undefined && doc.sections[index]?.findOption(option) ? doc.lineOf(index, option) : doc.lineOf(index)),
  };
}
