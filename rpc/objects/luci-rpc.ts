// LuCI's `luci-rpc` object (openwrt/luci libs/rpcd-mod-luci/src/luci.c, rpc_luci_api_init,
// lines 2030-2047), answered from the server's system source. Line numbers: luci.c at
// openwrt/luci daf2e0b (systemcrash/luci).
import type { AppContext, ObjectFactory } from '../app.js';
import { fail, ok } from '../dispatch.js';
import { Status } from '../errors.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { boardJson } from '../system/board.js';
import { networkDevices } from '../system/devices.js';
import { hostHints } from '../system/hosts.js';
import { readLeases, type Lease } from '../system/leases.js';
import { snapshotReply } from '../system/memo.js';
import { systemSourceFor } from '../system/source.js';

/** rpc_luci_get_wireless_devices_cb, lines 1098-1171: netifd's radios without `iwinfo` (no libiwinfo here). */
function wirelessDevices(status: Json): JsonObject {
  const out: JsonObject = {};
  if (!isJsonObject(status)) return out;
  for (const [radio, body] of Object.entries(status)) {
    if (!isJsonObject(body)) continue;
    const copy: JsonObject = {};
    for (const [k, v] of Object.entries(body)) {
      if (k === 'iwinfo') continue;
      if (k !== 'interfaces') copy[k] = v;
      else if (Array.isArray(v)) {
        copy[k] = v.filter(isJsonObject).map((iface) => Object.fromEntries(Object.entries(iface).filter(([n]) => n !== 'iwinfo')));
      }
    }
    out[radio] = copy;
  }
  return out;
}

/** One entry of getDHCPLeases, lines 1977-2017. */
function leaseEntry(lease: Lease): JsonObject {
  const e: JsonObject = { expires: lease.expire === -1 ? false : lease.expire };
  if (lease.iface !== undefined) e.interface = lease.iface;
  if (lease.hostname !== undefined) e.hostname = lease.hostname;
  if (lease.mac !== undefined) e.macaddr = lease.mac;
  if (lease.duid !== undefined) e.duid = lease.duid;
  if (lease.iaid !== undefined) e.iaid = lease.iaid;
  if (lease.family === 4) e.ipaddr = lease.addrs[0] ?? '0.0.0.0';
  else {
    e.ip6addr = lease.addrs[0] ?? '::';
    e.ip6addrs = lease.addrs.map((a) => `${a}/${lease.mask}`);
  }
  return e;
}

export const luciRpcObject: ObjectFactory = (app: AppContext) => {
  const source = systemSourceFor(app);
  const leases = () => {
    const view = source.view();
    return readLeases(view, source.config('dhcp'), view.now());
  };

  return {
    name: 'luci-rpc',
    methods: {
      getNetworkDevices: () => {
        const view = source.view();
        return ok(snapshotReply(view, 'devices', [], () => networkDevices(view)));
      },
      // netifd always publishes network.wireless: with no radio its status is empty
      getWirelessDevices: () => ok(wirelessDevices(source.view().ubus('network.wireless', 'status') as Json)),
      getHostHints: () => {
        const view = source.view();
        const dhcp = source.config('dhcp');
        return ok(snapshotReply(view, 'hosts', [dhcp], () => hostHints({ view, dhcp, devices: networkDevices(view), now: view.now() })));
      },
      getDUIDHints: () => {
        // lines 1830-1904: IPv6 leases with a DUID, the first of each DUID%IAID
        const out: JsonObject = {};
        for (const l of leases()) {
          if (l.family !== 6 || l.duid === undefined) continue;
          const key = l.iaid === undefined ? l.duid : `${l.duid}%${l.iaid}`;
          if (key in out) continue;
          const e: JsonObject = {};
          if (l.iface !== undefined) e.interface = l.iface;
          e.duid = l.duid;
          if (l.iaid !== undefined) e.iaid = l.iaid;
          if (l.hostname !== undefined) e.hostname = l.hostname;
          if (l.mac !== undefined) e.macaddr = l.mac;
          e.ip6addrs = l.addrs;
          out[key] = e;
        }
        return ok(out);
      },
      getBoardJSON: () => {
        // lines 1906-1918: without /etc/board.json rpcd answers UNKNOWN_ERROR (LuCI then uses {})
        const board = boardJson(source.view());
        return board ? ok(board) : fail(Status.UNKNOWN_ERROR);
      },
      getDHCPLeases: (args, ctx) => {
        // lines 1929-2028
        const family = typeof args.family === 'number' ? args.family : 0;
        if (family !== 0 && family !== 4 && family !== 6) return fail(Status.INVALID_ARGUMENT);
        const all = leases();
        const out: JsonObject = {};
        for (const f of family === 0 ? [4, 6] : [family]) {
          out[f === 4 ? 'dhcp_leases' : 'dhcp6_leases'] = all.filter((l) => l.family === f).map(leaseEntry);
        }
        return ok(out);
      },
    },
  };
};
