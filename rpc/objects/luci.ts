// LuCI's `luci` object (luci-base, root/usr/share/rpcd/ucode/luci): its read-only methods,
// answered from the server's system source. Methods that change the machine (setInitAction,
// setLocaltime, setPassword, setBlockDetect) are not served. Line numbers below are those of
// that file at openwrt/luci daf2e0b (systemcrash/luci).
import { defaultHelpers, type SystemView } from '../../lib/fw4/index.js';
import type { UciPackage } from '../../lib/uci/index.js';
import type { AppContext, ObjectFactory } from '../app.js';
import { ok, type MethodResult } from '../dispatch.js';
import { RawJson, type Json, type JsonObject } from '../json.js';
import { boardJson } from '../system/board.js';
import { initScripts } from '../system/init-scripts.js';
import { systemSourceFor } from '../system/source.js';

/** popen() of a command a snapshot may have recorded; a live view refuses unknown programs. */
function commandOutput(view: SystemView, cmdline: string): string | null {
  try {
    return view.commandOutput(cmdline);
  } catch {
    return null;
  }
}

/** `Compile time options: a no-b …` / `Features: …` → {a: true, b: false} (lines 280-308). */
function optionFlags(text: string, prefix: RegExp): JsonObject | undefined {
  const m = prefix.exec(text);
  if (!m) return undefined;
  const out: JsonObject = {};
  for (const opt of m[1]!.split(' ')) {
    const f = opt.replace('no-', '');
    out[f.toLowerCase()] = f === opt;
  }
  return out;
}

const WIFI_FEATURES = ['11ac', '11ax', '11be', '11r', 'acs', 'eap', 'mesh', 'ocv', 'owe', 'sae', 'suiteb192', 'wep', 'wps'];

/** getFeatures, lines 223-336, in its key order. */
export function features(view: SystemView): JsonObject {
  const a = (path: string) => view.access(path);
  const result: JsonObject = {
    firewall: a('/sbin/fw3'),
    // this server renders the firewall with fw4: LuCI's pages must show fw4's options
    firewall4: true,
    opkg: a('/bin/opkg'),
    bonding: a('/sys/module/bonding'),
    mii_tool: a('/usr/sbin/mii-tool'),
    offloading: a('/sys/module/xt_FLOWOFFLOAD/refcnt') || a('/sys/module/nft_flow_offload/refcnt'),
    br2684ctl: a('/usr/sbin/br2684ctl'),
    swconfig: a('/sbin/swconfig'),
    zram: a('/sys/class/zram-control'),
    sysntpd: view.readlink('/usr/sbin/ntpd') !== null,
    ipv6: a('/proc/net/ipv6_route'),
    dropbear: a('/usr/sbin/dropbear'),
    cabundle: a('/etc/ssl/certs/ca-certificates.crt'),
    relayd: a('/usr/sbin/relayd'),
    apk: a('/usr/bin/apk'),
    wifi: a('/sbin/wifi'),
    ufpd: a('/usr/sbin/ufpd'),
    vrf: a('/sys/module/vrf/refcnt'),
    // line 312 asks the package manager for netifd's version; nothing here can answer
    netifd_vrf: false,
  };
  for (const [key, program, cli] of [['hostapd', 'hostapd', 'hostapd_cli'], ['wpasupplicant', 'wpa_supplicant', 'wpa_cli']] as const) {
    if (!a(`/usr/sbin/${program}`)) continue;
    const flags: JsonObject = { cli: a(`/usr/sbin/${cli}`) };
    for (const f of WIFI_FEATURES) flags[f] = safeSystem(view, `/usr/sbin/${program} -v${f} >/dev/null 2>/dev/null`) === 0;
    result[key] = flags;
  }
  const dnsmasq = optionFlags(commandOutput(view, 'dnsmasq --version 2>/dev/null') ?? '', /^Compile time options: (.+)$/m);
  if (dnsmasq) result.dnsmasq = dnsmasq;
  const odhcpd = commandOutput(view, 'odhcpd -h 2>/dev/null');
  result.odhcpd = odhcpd ? (optionFlags(odhcpd, /^Features: (.+)$/m) ?? {}) : false;
  return result;
}

function safeSystem(view: SystemView, cmdline: string): number {
  try {
    return view.system(cmdline);
  } catch {
    return -1;
  }
}

/** luci.version's `revision` and `branch` (lines 50-54), read from the root's LuCI if it has one. */
function version(view: SystemView): JsonObject {
  const text = view.readFile('/usr/share/ucode/luci/version.uc') ?? '';
  const field = (name: string) => new RegExp(`\\b${name}\\s*=\\s*'([^']*)'`).exec(text)?.[1] ?? '';
  return { revision: field('revision'), branch: field('branch') };
}

export const luciObject: ObjectFactory = (app: AppContext) => {
  const source = systemSourceFor(app);

  let helpers: { pkg: UciPackage | null; reply: RawJson } | undefined;

  /** getConntrackHelpers, lines 195-221: the helper sections in file order, missing options as null. */
  function conntrackHelpers(): MethodResult {
    const config = source.config('helpers');
    if (helpers?.pkg === config) return ok(helpers.reply);
    // fw4's own table when the confdir has none, as the firewall object renders with
    const pkg = config ?? defaultHelpers();
    const result: Json[] = [];
    for (const s of pkg.sections) {
      if (s.type !== 'helper') continue;
      const get = (o: string): Json => {
        const v = s.options.get(o);
        return v === undefined ? null : v;
      };
      result.push({ name: get('name'), description: get('description'), module: get('module'), family: get('family'), proto: get('proto'), port: get('port') });
    }
    // encoded once while the confdir's helpers parse is unchanged
    helpers = { pkg: config, reply: new RawJson(JSON.stringify({ result })) };
    return ok(helpers.reply);
  }

  return {
    name: 'luci',
    methods: {
      getVersion: () => ok(version(source.view())),
      getFeatures: () => ok(features(source.view())),
      getConntrackHelpers: () => conntrackHelpers(),
      getInitList: (args, ctx) => {
        // lines 56-73
        const name = typeof args.name === 'string' && args.name !== '' ? args.name : undefined;
        const scripts: JsonObject = {};
        for (const s of initScripts(source.view(), name)) {
          scripts[s.name] = { index: s.start ?? null, stop: s.stop ?? null, enabled: s.enabled };
        }
        return ok(Object.keys(scripts).length ? scripts : { error: 'No such init script' });
      },
      // lines 98-103: the clock of the machine answering, which off-device is this one
      getUnixtime: () => ok({ result: Math.floor(Date.now() / 1000) }),
      getLEDs: () => {
        // lines 136-162
        const view = source.view();
        const result: JsonObject = {};
        for (const led of view.listDir('/sys/class/leds')) {
          const triggers: string[] = [];
          let active: string | undefined;
          for (const t of (view.readFile(`/sys/class/leds/${led}/trigger`) ?? '').trim().split(' ')) {
            const name = t.replace(/^\[+|\]+$/g, '');
            triggers.push(name);
            if (t !== name) active = name;
          }
          const num = (f: string) => Number(view.readFile(`/sys/class/leds/${led}/${f}`) ?? '') || 0;
          result[led] = { triggers, ...(active !== undefined ? { active_trigger: active } : {}), brightness: num('brightness'), max_brightness: num('max_brightness') };
        }
        return ok(result);
      },
      // lines 164-193: sysfs USB devices; a snapshot or a root file system has none
      getUSBDevices: () => ok({ devices: [], ports: [] }),
      // lines 604-614 read the kernel's conntrack table and process list: only a live router has them
      getConntrackList: () => ok({ result: [] }),
      getProcessList: () => ok({ result: [] }),
      // lines 535-566: mounts with their statvfs; nothing is mounted off-device
      getMountPoints: () => ok({ result: [] }),
      getBuiltinEthernetPorts: () => {
        // lines 616-657 (the x86 sysfs workaround aside: it needs the live bus links)
        const board = boardJson(source.view()) ?? {};
        const network = (board.network ?? {}) as Record<string, { ports?: unknown; device?: unknown }>;
        const ports: Json[] = [];
        for (const role of ['lan', 'wan']) {
          const n = network[role];
          if (!n) continue;
          if (Array.isArray(n.ports)) for (const device of n.ports) ports.push({ role, device: device as Json });
          else if (typeof n.device === 'string') ports.push({ role, device: n.device });
        }
        return ok({ result: ports });
      },
      // lines 659-681: odhcp6c's ubus objects exist only on a live router
      getOdhcp6cStats: () => ok({ result: {} }),
    },
  };
};
