// Where findings point in a parsed config (fw4 check, the RPC firewall object). Its own module:
// printing never loads check.ts.
import type { Document } from '../uci/document.js';
import type { SourceLocator } from './check.js';

/** The locator of a parsed config: an option the section does not have is placed at its section. */
export function documentLocator(file: string, doc: Document): SourceLocator {
  return {
    file,
    line: (index, option) => (option !== undefined && doc.sections[index]?.findOption(option) ? doc.lineOf(index, option) : doc.lineOf(index)),
  };
}
