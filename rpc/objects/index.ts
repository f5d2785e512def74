// The objects `uci-fw4 serve` registers beside `session`.
import type { ObjectFactory } from '../app.js';
import { fileObject } from './file.js';
import { firewallObject } from './firewall.js';
import { luciRpcObject } from './luci-rpc.js';
import { luciObject } from './luci.js';
import { networkDeviceObject, networkInterfaceObject, networkObject } from './network.js';
import { rcObject } from './rc.js';
import { systemObject } from './system.js';
import { uciObject } from './uci.js';

export const rpcObjects: ObjectFactory[] = [
  uciObject,
  firewallObject,
  luciObject,
  luciRpcObject,
  networkObject,
  networkInterfaceObject,
  networkDeviceObject,
  fileObject,
  rcObject,
  systemObject,
];
