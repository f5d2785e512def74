// A staged change as one line of `uci changes` (cli.c uci_show_changes): rename and reorder
// print like a set, list-index deletes without their index.
import type { UciChange } from '../uci/index.js';
import { quote } from '../uci/show.js';

export function formatChange(c: UciChange): string {
  const path = [c.package, c.section, 'option' in c ? c.option : undefined].filter((p) => p !== undefined).join('.');
  switch (c.op) {
    case 'delete': return `-${path}`;
    case 'list-add': return `${path}+=${quote(c.value)}`;
    case 'list-del': return `${path}-=${quote(c.value)}`;
    default: return `${path}=${quote(c.value)}`;
  }
}
