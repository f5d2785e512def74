// A router's changes as rpcd uci calls (lib/migrate/remote/plan.ts): which calls, what rpcd
// will then list in `uci changes`, and the changes it refuses to plan.
import { describe, expect, it } from 'vitest';
import { Transaction } from '../../lib/migrate/index.js';
import { modelSource, type RemoteModel } from '../../lib/migrate/remote/model.js';
import { planPackage } from '../../lib/migrate/remote/plan.js';

// as rpcd's `uci get {config: "firewall"}` answers it: anonymous sections under their cfg names
const model: RemoteModel = {
  packages: {
    firewall: {
      cfg01e63d: { '.anonymous': true, '.type': 'defaults', '.name': 'cfg01e63d', '.index': 0, input: 'REJECT', syn_flood: '1' },
      lan: { '.anonymous': false, '.type': 'zone', '.name': 'lan', '.index': 1, name: 'lan', network: ['lan'] },
      cfg03dc81: { '.anonymous': true, '.type': 'zone', '.name': 'cfg03dc81', '.index': 2, name: 'wan', network: ['wan', 'wan6'] },
    },
  },
};

function plan(edit: (tx: Transaction) => void) {
  const tx = new Transaction('http://router/ubus', modelSource(model));
  edit(tx);
  const c = tx.changed()[0];
  return c ? planPackage('firewall', model.packages.firewall!, c.doc) : null;
}

describe('planPackage', () => {
  it('a changed value is one set on the section as rpcd named it', () => {
    const p = plan((tx) => tx.set('firewall', '@defaults[0]', 'input', 'DROP'))!;
    expect(p.calls).toEqual([{ method: 'set', config: 'firewall', section: 'cfg01e63d', values: { input: 'DROP' } }]);
    expect(p.expected).toEqual([['set', 'cfg01e63d', 'input', 'DROP']]);
    expect(p.changes).toEqual(["firewall.cfg01e63d.input='DROP'"]);
    expect(p.after).toContain("config defaults\n\toption input 'DROP'\n\toption syn_flood '1'\n");
  });

  it('a list edit replaces the list, as rpcd set does (remove, then each item)', () => {
    const p = plan((tx) => tx.addList('firewall', 'cfg03dc81', 'network', 'wan7'))!;
    expect(p.calls).toEqual([{ method: 'set', config: 'firewall', section: 'cfg03dc81', values: { network: ['wan', 'wan6', 'wan7'] } }]);
    expect(p.expected).toEqual([
      ['remove', 'cfg03dc81', 'network'], ['list-add', 'cfg03dc81', 'network', 'wan'],
      ['list-add', 'cfg03dc81', 'network', 'wan6'], ['list-add', 'cfg03dc81', 'network', 'wan7'],
    ]);
  });

  it('deletes, renames, adds with values, and orders, in that order', () => {
    const p = plan((tx) => {
      tx.delete('firewall', 'cfg01e63d', 'syn_flood');
      tx.rename('firewall', 'cfg03dc81', undefined, 'wan');
      const r = tx.add('firewall', 'rule');
      tx.set('firewall', r, 'name', 'Allow-SSH');
      tx.reorder('firewall', r, 0);
    })!;
    const added = p.addNames[0]!;
    expect(added).toMatch(/^cfg[0-9a-f]{6}$/);
    expect(p.calls).toEqual([
      { method: 'rename', config: 'firewall', section: 'cfg03dc81', name: 'wan' },
      { method: 'delete', config: 'firewall', section: 'cfg01e63d', options: ['syn_flood'] },
      { method: 'add', config: 'firewall', type: 'rule', values: { name: 'Allow-SSH' } },
      { method: 'order', config: 'firewall', sections: [added, 'cfg01e63d', 'lan', 'wan'] },
    ]);
    expect(p.order).toEqual([added, 'cfg01e63d', 'lan', 'wan']);
    expect(p.expected.slice(0, 4)).toEqual([
      ['rename', 'cfg03dc81', 'wan'], ['remove', 'cfg01e63d', 'syn_flood'], ['add', added, 'rule'], ['set', added, 'name', 'Allow-SSH'],
    ]);
  });

  it('nothing to send when the migration undid its own change', () => {
    expect(plan((tx) => {
      tx.set('firewall', 'lan', 'name', 'x');
      tx.set('firewall', 'lan', 'name', 'lan');
    })).toBeNull();
  });

  it('refuses what rpcd cannot do: a swap of two section names', () => {
    expect(() => plan((tx) => {
      tx.rename('firewall', 'lan', undefined, 'tmp');
      tx.rename('firewall', 'cfg03dc81', undefined, 'lan');
      tx.rename('firewall', 'tmp', undefined, 'cfg03dc81');
    })).toThrow("firewall: the change cannot be made with rpcd's uci calls: renaming section 'lan' to 'cfg03dc81': that name is still in use");
  });
});
