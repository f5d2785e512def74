// procd's `system` object (openwrt/procd system.c, system_board and system_info): `board` and
// `info`, answered with the replies the system source recorded, else from its files: the kernel
// release from /proc/version, the host name from the confdir's system config (what the router
// sets at boot), model and board name from /tmp/sysinfo or /etc/board.json, the release from
// /etc/openwrt_release. Uptime, load and memory are only known on a live router: 0 here.
import type { SystemView } from '../../lib/fw4/index.js';
import type { AppContext, ObjectFactory } from '../app.js';
import { ok } from '../dispatch.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { boardJson } from '../system/board.js';
import { systemSourceFor } from '../system/source.js';

/** /etc/openwrt_release's DISTRIB_* keys as system_board names them, quotes removed. */
const RELEASE_KEYS: Record<string, string> = {
  DISTRIB_ID: 'distribution', DISTRIB_RELEASE: 'version', DISTRIB_REVISION: 'revision',
  DISTRIB_CODENAME: 'codename', DISTRIB_TARGET: 'target', DISTRIB_DESCRIPTION: 'description',
};

function release(text: string): JsonObject {
  const out: JsonObject = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    const key = RELEASE_KEYS[line.slice(0, eq).toUpperCase()];
    if (eq < 0 || key === undefined) continue;
    out[key] = line.slice(eq + 1).replace(/\\(.)|['"]/g, '$1');
  }
  return out;
}

const firstLine = (text: string | null) => text?.split('\n')[0]?.trim() || undefined;

export const systemObject: ObjectFactory = (app: AppContext) => {
  const source = systemSourceFor(app);

  function board(view: SystemView): JsonObject {
    const recorded = view.ubus('system', 'board') as Json;
    if (isJsonObject(recorded)) return recorded;
    const out: JsonObject = {};
    const kernel = /^Linux version (\S+)/.exec(view.readFile('/proc/version') ?? '')?.[1];
    if (kernel) out.kernel = kernel;
    const system = source.config('system')?.sections.find((s) => s.type === 'system');
    const hostname = system?.options.get('hostname');
    out.hostname = typeof hostname === 'string' ? hostname : (firstLine(view.readFile('/proc/sys/kernel/hostname')) ?? 'OpenWrt');
    const cpu = /^(?:system type|model name)\s*:\s*(.+)$/im.exec(view.readFile('/proc/cpuinfo') ?? '')?.[1];
    if (cpu) out.system = cpu;
    const model = (boardJson(view)?.model ?? {}) as { id?: Json; name?: Json };
    const name = firstLine(view.readFile('/tmp/sysinfo/model')) ?? (typeof model.name === 'string' ? model.name : undefined);
    if (name) out.model = name;
    const id = firstLine(view.readFile('/tmp/sysinfo/board_name')) ?? (typeof model.id === 'string' ? model.id : undefined);
    if (id) out.board_name = id;
    const rel = view.readFile('/etc/openwrt_release');
    if (rel !== null) out.release = release(rel);
    return out;
  }

  function info(view: SystemView): JsonObject {
    const recorded = view.ubus('system', 'info') as Json;
    if (isJsonObject(recorded)) return recorded;
    return {
      localtime: Math.floor(Date.now() / 1000),
      uptime: 0,
      load: [0, 0, 0],
      memory: { total: 0, free: 0, shared: 0, buffered: 0, available: 0, cached: 0 },
      root: { total: 0, free: 0, used: 0, avail: 0 },
      tmp: { total: 0, free: 0, used: 0, avail: 0 },
      swap: { total: 0, free: 0 },
    };
  }

  return {
    name: 'system',
    methods: {
      board: () => ok(board(source.view())),
      info: () => ok(info(source.view())),
    },
  };
};
