// `fw4 includes` (ACTION=includes): the script includes `fw4 start` runs after loading the
// ruleset, read from the state file it wrote. Nothing is printed on success.
import type { SystemView } from './snapshot/types.js';

const STATE_FILE = '/var/run/fw4.state';

export interface ScriptInclude {
  path: string;
  /** argv of the shell fw4 runs (with a 30 s timeout). */
  argv: string[];
}

export type ScriptIncludesResult =
  | { ok: true; scripts: ScriptInclude[] }
  | { ok: false; error: string };

/** The scripts fw4 would run, in state-file order; an error (fw4 exits 1) without a state file. */
export function scriptIncludes(view: SystemView): ScriptIncludesResult {
  const text = view.readFile(STATE_FILE);
  let state: unknown = null;
  if (text) {
    try {
      state = JSON.parse(text);
    } catch {
      state = null;
    }
  }
  if (typeof state !== 'object' || state === null) {
    return { ok: false, error: 'Unable to read firewall state - do you need to start the firewall?\n' };
  }
  const includes = (state as { includes?: unknown }).includes;
  const scripts: ScriptInclude[] = [];
  for (const inc of Array.isArray(includes) ? includes : []) {
    const { type, path } = (inc ?? {}) as { type?: unknown; path?: unknown };
    if (type !== 'script' || typeof path !== 'string') continue;
    // the path is single-quoted for sh; a quote inside it is closed, escaped and reopened
    const quoted = path.replaceAll("'", "'\\''");
    scripts.push({
      path,
      argv: ['sh', '-c', `exec 1000>&-; config() { echo "You cannot use UCI in firewall includes!" >&2; exit 1; }; . '${quoted}'`],
    });
  }
  return { ok: true, scripts };
}
