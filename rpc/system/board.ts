// /etc/board.json, the hardware description OpenWrt writes at first boot (luci-rpc getBoardJSON,
// luci getBuiltinEthernetPorts, system board).
import type { SystemView } from '../../lib/fw4/index.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';

/** The parsed board.json, or null when there is none or it is not a JSON object. */
export function boardJson(view: SystemView): JsonObject | null {
  const text = view.readFile('/etc/board.json');
  if (text === null) return null;
  try {
    const doc = JSON.parse(text) as Json;
    return isJsonObject(doc) ? doc : null;
  } catch {
    return null;
  }
}
