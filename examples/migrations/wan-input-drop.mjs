// Management moves to the VPN: nothing may reach the routers from the WAN any more. Meant for
// routers as well as confdirs: a router keeps no record of applied ids, so the migration is
// idempotent (it sets a value; run twice, the second run changes nothing).

/** @type {import('uci-fw4').Migration} */
export default {
  id: '2026-12-wan-input-drop',
  description: "the wan zone's input policy becomes DROP",
  packages: ['firewall'],
  up(tx) {
    const wan = tx.load('firewall').sections.find((s) => s.type === 'zone' && s.options.get('name') === 'wan');
    if (!wan) throw new Error('firewall has no zone named wan');
    tx.set('firewall', wan.name, 'input', 'DROP');
  },
};
