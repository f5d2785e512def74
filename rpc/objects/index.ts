// The objects `uci-fw4 serve` registers beside `session`.
import type { ObjectFactory } from '../app.js';
import { uciObject } from './uci.js';

export const rpcObjects: ObjectFactory[] = [uciObject];
