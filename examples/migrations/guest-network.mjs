// A migration module for `uci-fw4 migrate`: its default export is the ordered list of
// migrations. Each `up(tx)` edits one router's confdir through the transaction `tx` (the
// Cursor API across packages); the runner commits all changed files of that confdir at once.

/** @type {import('uci-fw4').Migration[]} */
export default [
  {
    id: '2026-11-guest-network',
    description: 'add a guest network with its own firewall zone, allowed out to wan',
    up(tx) {
      tx.set('network', 'guest', undefined, 'interface');
      tx.set('network', 'guest', 'device', 'br-guest');
      tx.set('network', 'guest', 'proto', 'static');
      tx.set('network', 'guest', 'ipaddr', '192.168.2.1');
      tx.set('network', 'guest', 'netmask', '255.255.255.0');

      const zone = tx.add('firewall', 'zone');
      tx.set('firewall', zone, 'name', 'guest');
      tx.addList('firewall', zone, 'network', 'guest');
      tx.set('firewall', zone, 'input', 'reject');
      tx.set('firewall', zone, 'output', 'accept');
      tx.set('firewall', zone, 'forward', 'reject');

      const fwd = tx.add('firewall', 'forwarding');
      tx.set('firewall', fwd, 'src', 'guest');
      tx.set('firewall', fwd, 'dest', 'wan');
    },
  },
  {
    id: '2026-11-flow-offloading',
    description: 'turn on software flow offloading',
    up(tx) {
      const defaults = tx.load('firewall').sections.find((s) => s.type === 'defaults');
      if (!defaults) throw new Error('firewall has no defaults section');
      tx.set('firewall', defaults.name, 'flow_offloading', '1');
    },
  },
];
