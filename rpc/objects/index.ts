// The objects `uci-fw4 serve` registers beside `session`.
import type { ObjectFactory } from '../app.js';

export const rpcObjects: ObjectFactory[] = [];
