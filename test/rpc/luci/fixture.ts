// A small OpenWrt root file system made by the tests (no LuCI code): etc/config (the example
// confdir and a `luci` package), its own ACL groups, menu.d entries shaped as luci-base's and
// luci-app-firewall's (with depends on files, configs and ACL groups), and a stand-in for
// luci.js, ui.js and one view, enough for a browser to log in, read L.env and the menu, stage a
// change and apply it through LuCI's endpoints.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { uciObject } from '../../../rpc/objects/uci.js';
import { RpcApp, type ObjectFactory } from '../../../rpc/app.js';
import type { ServerLimits } from '../../../rpc/limits.js';
import { openRoot, rootSettings } from '../../../rpc/luci/root.js';
import { hashPassword } from '../../../rpc/password.js';
import { parseSettings } from '../../../rpc/settings.js';
import { fastCost, listenScratch, root as repoRoot, type ScratchServer } from '../harness.js';

const auth = { methods: ['cookie:sysauth_https', 'cookie:sysauth_http'] };
const fn = (module: string, name: string, extra: object = {}) => ({ type: 'function', module: `luci.controller.admin.${module}`, function: name, ...extra });

/** menu.d entries in the shapes of luci-base.json and luci-app-firewall.json. */
export const menu = {
  'base.json': {
    admin: { title: 'Administration', order: 10, action: { type: 'firstchild', recurse: true }, auth: { ...auth, login: true } },
    'admin/network': { title: 'Network', order: 50, action: { type: 'firstchild', recurse: true } },
    'admin/translations/*': { action: fn('index', 'action_translations'), auth: {} },
    'admin/logout': { title: 'Log out', order: 999, action: fn('index', 'action_logout'), depends: { acl: ['fixture-base'] }, firstchild_ineligible: true },
    'admin/uci': { action: { type: 'firstchild' } },
    'admin/uci/revert': { action: fn('uci', 'action_revert', { post: true }) },
    'admin/uci/apply_rollback': { cors: true, action: fn('uci', 'action_apply_rollback', { post: true }), auth },
    'admin/uci/apply_unchecked': { cors: true, action: fn('uci', 'action_apply_unchecked', { post: true }), auth },
    'admin/uci/confirm': { cors: true, action: fn('uci', 'action_confirm'), auth: {} },
    'admin/menu': { action: fn('index', 'action_menu'), auth: {} },
  },
  'firewall.json': {
    'admin/network/firewall': {
      title: 'Firewall',
      order: 60,
      action: { type: 'alias', path: 'admin/network/firewall/zones' },
      depends: { acl: ['fixture-firewall'], fs: { '/sbin/fw4': 'executable' }, uci: { firewall: true } },
    },
    'admin/network/firewall/zones': { title: 'General Settings', order: 10, action: { type: 'view', path: 'fixture/zones' } },
    'admin/network/firewall/custom': { title: 'Custom Rules', order: 50, action: { type: 'view', path: 'fixture/zones' }, depends: { fs: { '/usr/share/fw3/helpers.conf': 'file' } } },
    'admin/network/wireless': { title: 'Wireless', order: 15, action: { type: 'view', path: 'fixture/zones' }, depends: { uci: { wireless: { '@wifi-device': true } } } },
    'admin/network/lanonly': { title: 'LAN', order: 20, action: { type: 'view', path: 'fixture/zones' }, depends: { uci: { network: { lan: { proto: 'static' } } } } },
    'admin/network/secret': { title: 'Secret', order: 30, action: { type: 'view', path: 'fixture/zones' }, depends: { acl: ['fixture-nobody'] } },
    'admin/network/legacy': { title: 'Legacy', order: 70, action: { type: 'template', path: 'admin_status/index' } },
    'admin/network/readonly': { title: 'Read only', order: 40, action: { type: 'view', path: 'fixture/zones' }, depends: { acl: ['fixture-reader'] } },
  },
};

const acl = {
  'unauthenticated.json': { unauthenticated: { read: { ubus: { session: ['access', 'login'] } } } },
  'fixture.json': {
    'fixture-base': { read: { ubus: { uci: ['changes', 'get'] }, uci: ['luci'] }, write: { ubus: { uci: ['set', 'apply', 'confirm'] } } },
    'fixture-firewall': { read: { ubus: { uci: ['get'] }, uci: ['firewall'] }, write: { uci: ['firewall'] } },
    'fixture-reader': { read: { uci: ['network'] } },
    'fixture-nobody': { read: { uci: ['wireless'] } },
    'fixture-status': { read: { ubus: { 'network.interface': ['dump'] } }, write: { ubus: { uci: ['commit'] }, uci: ['network'] } },
  },
};

/** A stand-in for luci.js: the LuCI class the page shell instantiates, with require(). */
const luciJs = `
window.fixtureModules = {};
window.LuCI = function (env) { this.env = env; };
LuCI.prototype.require = function (name) {
  var src = this.env.resource + '/' + name.replace(/\\./g, '/') + '.js';
  return new Promise(function (resolve, reject) {
    var s = document.createElement('script');
    s.src = src;
    s.onload = function () { resolve(window.fixtureModules[name]); };
    s.onerror = reject;
    document.head.appendChild(s);
  });
};
LuCI.prototype.url = function () { return this.env.scriptname + '/' + Array.prototype.join.call(arguments, '/'); };
`;

const uiJs = `
window.fixtureModules.ui = {
  instantiateView: function (path) {
    return L.require('view.' + path.replace(/\\//g, '.')).then(function (view) { view.render(document.getElementById('view')); });
  }
};
`;

/** The view: shows L.env, stages `firewall.<zone>.input` over /ubus, applies and confirms like ui.js. */
const viewJs = `
window.fixtureModules['view.fixture.zones'] = {
  render: function (el) {
    var env = L.env, confirmToken = null;
    function status(text) { document.getElementById('status').textContent = text; }
    function ubus(object, method, args) {
      return fetch(env.ubuspath, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'call', params: [env.sessionid, object, method, args] }) })
        .then(function (r) { return r.json(); }).then(function (r) { return r.result[0]; });
    }
    function post(path, query) {
      return fetch(L.url('admin/uci', path) + '?' + new URLSearchParams(query), { method: 'POST' });
    }
    el.innerHTML = '<h2>Zones</h2><pre id="env"></pre><input id="input" value="DROP">' +
      '<button id="save">Save</button><button id="apply">Save &amp; Apply</button><button id="confirm">Confirm</button><p id="status"></p>';
    document.getElementById('env').textContent = JSON.stringify({ sessionid: env.sessionid, token: env.token, requestpath: env.requestpath,
      dispatchpath: env.dispatchpath, readonly: env.nodespec.readonly, title: env.nodespec.title, rollback_token: env.rollback_token });
    document.getElementById('save').onclick = function () {
      ubus('uci', 'set', { config: 'firewall', section: '@zone[1]', values: { input: document.getElementById('input').value } })
        .then(function (s) { status('staged ' + s); });
    };
    document.getElementById('apply').onclick = function () {
      post('apply_rollback', { sid: env.sessionid, token: env.token }).then(function (r) {
        return r.json().then(function (j) { confirmToken = j.token; status('applied ' + r.status); });
      });
    };
    document.getElementById('confirm').onclick = function () {
      post('confirm', { token: confirmToken }).then(function (r) { status('confirmed ' + r.status); });
    };
  }
};
`;

function write(path: string, content: string | object): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, '\t'));
}

/** Writes the fixture root into a fresh temporary directory and returns its path. */
export function makeRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'uci-fw4-luci-root-'));
  cpSync(join(repoRoot, 'examples/config'), join(dir, 'etc/config'), { recursive: true });
  write(join(dir, 'etc/config/luci'), [
    'config core main',
    "\toption lang 'auto'",
    "\toption mediaurlbase '/luci-static/fixture'",
    "\toption resourcebase '/luci-static/resources'",
    '',
    'config internal languages',
    "\toption de 'Deutsch'",
    '',
    'config internal apply',
    "\toption rollback '90'",
    '',
  ].join('\n'));
  write(join(dir, 'etc/config/system'), "config system\n\toption hostname 'fixture-router'\n");
  // a login of the root's own, as on a router: rpcd's config points at etc/shadow (`openssl passwd -1 -salt fixture secret`)
  write(join(dir, 'etc/config/rpcd'), "config login\n\toption username 'admin'\n\toption password '$p$admin'\n\tlist read '*'\n\tlist write '*'\n");
  write(join(dir, 'etc/shadow'), 'root:::0:99999:7:::\nadmin:$1$fixture$54oOozwK4IYJYhbde0cvJ0:20000:0:99999:7:::\n');
  for (const [name, doc] of Object.entries(menu)) write(join(dir, 'usr/share/luci/menu.d', name), doc);
  for (const [name, doc] of Object.entries(acl)) write(join(dir, 'usr/share/rpcd/acl.d', name), doc);
  write(join(dir, 'sbin/fw4'), '#!/bin/sh\n');
  chmodSync(join(dir, 'sbin/fw4'), 0o755);
  write(join(dir, 'www/index.html'), '<meta http-equiv="refresh" content="0; URL=cgi-bin/luci/">\n');
  write(join(dir, 'www/luci-static/fixture/cascade.css'), 'body { font-family: sans-serif; }\n');
  write(join(dir, 'www/luci-static/resources/luci.js'), luciJs);
  write(join(dir, 'www/luci-static/resources/ui.js'), uiJs);
  write(join(dir, 'www/luci-static/resources/view/fixture/zones.js'), viewJs);
  return dir;
}

export const PASSWORD = 'secret';

export type RootServer = ScratchServer;

/**
 * `serve --root` in this process, over settings whose confdir and ACL directory the root's
 * replace. Users: `root` (every group) and `viewer` (fixture-base to write, fixture-firewall and
 * fixture-reader to read), both with PASSWORD.
 */
export async function startRoot(dir = makeRoot(), objects: ObjectFactory[] = [uciObject], limits: Partial<ServerLimits> = {}): Promise<RootServer> {
  const hash = await hashPassword(PASSWORD, fastCost);
  const ini = [
    `confdir = ${join(repoRoot, 'examples/config')}`,
    `acl_dir = ${join(repoRoot, 'examples/acl.d')}`,
    'log = false',
    '[user.root]',
    `password = ${hash}`,
    'read = *',
    'write = *',
    '[user.viewer]',
    `password = ${hash}`,
    'read = fixture-firewall, fixture-reader',
    'write = fixture-base',
  ];
  const root = openRoot(dir);
  const settings = rootSettings(parseSettings(ini.join('\n'), join(dir, 'server.ini')), root);
  const app = new RpcApp(settings, objects, { root, limits });
  return listenScratch(app, dir);
}
