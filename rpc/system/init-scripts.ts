// The init scripts of /etc/init.d as rpcd's rc.c (rc_list_readdir) and luci.sys (init_index,
// init_enabled) read them: START= and STOP= among the first lines, enabled when
// /etc/rc.d/S<NN><name> exists. Nothing is run: whether a service runs is not known here.
import type { SystemView } from '../../lib/fw4/index.js';

export interface InitScript {
  name: string;
  start?: number;
  stop?: number;
  enabled: boolean;
}

/** rc.c reads at most the first 11 lines for START=, STOP= and USE_PROCD=. */
const HEADER_LINES = 11;

function header(text: string, key: string): number | undefined {
  for (const line of text.split('\n').slice(0, HEADER_LINES)) {
    if (!line.startsWith(`${key}=`)) continue;
    // strtoul(…, 0): leading digits (hex and octal prefixes are not used by init scripts)
    const m = /^\d+/.exec(line.slice(key.length + 1));
    return m ? Number(m[0]) : 0;
  }
  return undefined;
}

export function initScripts(view: SystemView, only?: string): InitScript[] {
  const out: InitScript[] = [];
  for (const name of view.listDir('/etc/init.d')) {
    if (only !== undefined && name !== only) continue;
    if (name.startsWith('.')) continue;
    const text = view.readFile(`/etc/init.d/${name}`);
    if (text === null) continue;
    const start = header(text, 'START');
    const stop = header(text, 'STOP');
    const pad = (n: number) => String(n).padStart(2, '0');
    const enabled = start !== undefined && view.stat(`/etc/rc.d/S${pad(start)}${name}`) !== null;
    out.push({ name, ...(start !== undefined ? { start } : {}), ...(stop !== undefined ? { stop } : {}), enabled });
  }
  return out;
}
