// The objects `uci-fw4 serve` registers beside `session`.
import type { ObjectFactory } from '../app.js';
import { firewallObject } from './firewall.js';
import { uciObject } from './uci.js';

export const rpcObjects: ObjectFactory[] = [uciObject, firewallObject];
