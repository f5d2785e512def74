// netifd's objects (openwrt/netifd ubus.c at e97e36f): `network` (get_proto_handlers),
// `network.interface` (dump) and `network.device` (status), answered with the replies the
// system source recorded. What it has not recorded is answered as netifd with nothing
// configured would: no interfaces, no devices, and only the protocol netifd has built in.
import type { AppContext, ObjectFactory } from '../app.js';
import { fail, ok } from '../dispatch.js';
import { Status } from '../errors.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { deviceStatus, interfaceDump } from '../system/devices.js';
import { snapshotReply } from '../system/memo.js';
import { systemSourceFor } from '../system/source.js';

/**
 * proto_dump_handlers (proto.c, lines 599-626) for the one handler compiled into netifd,
 * `static` (proto-static.c, lines 102-107), its validate strings from proto.c's
 * proto_ip_validate (lines 62-72) and utils.c's uci_get_validate_string (lines 214-223).
 */
const BUILTIN_HANDLERS: JsonObject = {
  static: {
    validate: {
      ipaddr: 'ip4addr', ip6addr: 'ip6addr', netmask: 'netmask', broadcast: 'ipaddr', ptpaddr: 'ip4addr',
      gateway: 'ip4addr', ip6gw: 'ip6addr', ip6prefix: 'ip6addr', ip6deprecated: 'bool',
    },
    immediate: true,
    no_device: false,
    init_available: false,
    renew_available: false,
    force_link_default: true,
    last_error: false,
    teardown_on_l3_link_down: false,
    no_task: false,
  },
};

export const networkObject: ObjectFactory = (app: AppContext) => {
  const source = systemSourceFor(app);
  return {
    name: 'network',
    methods: {
      // ubus.c lines 107-117
      get_proto_handlers: () => {
        const view = source.view();
        return ok(snapshotReply(view, 'proto_handlers', [], () => {
          const recorded = view.ubus('network', 'get_proto_handlers') as Json;
          return isJsonObject(recorded) ? recorded : BUILTIN_HANDLERS;
        }));
      },
    },
  };
};

export const networkInterfaceObject: ObjectFactory = (app: AppContext) => {
  const source = systemSourceFor(app);
  return {
    name: 'network.interface',
    methods: {
      // netifd_handle_dump, ubus.c lines 971-991: {interface: [...]}, an empty list with none
      dump: () => {
        const view = source.view();
        return ok(snapshotReply(view, 'interface_dump', [], () => ({ interface: interfaceDump(view) })));
      },
    },
  };
};

export const networkDeviceObject: ObjectFactory = (app: AppContext) => {
  const source = systemSourceFor(app);
  return {
    name: 'network.device',
    methods: {
      // netifd_dev_status, ubus.c lines 235-256: all devices, or the named one (unknown: INVALID_ARGUMENT)
      status: (args, ctx) => {
        const all = deviceStatus(source.view());
        if (typeof args.name !== 'string') return ok(all);
        const one = all[args.name];
        return one ? ok(one) : fail(Status.INVALID_ARGUMENT);
      },
    },
  };
};
