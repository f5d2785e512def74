// The HTML LuCI's templates would render, written here without them: the page shell of
// header.ut (the theme's CSS, cbi.js, translations, luci.js and `L = new LuCI(env)`), view.ut
// (`ui.instantiateView`), footer.ut (a pending rollback's confirmation), sysauth.ut (the login
// form), error404.ut and csrftoken.ut. The layout mirrors luci-theme-bootstrap's header.ut and
// footer.ut (header#topmenu, #indicators, #maincontent, #tabmenu, #modemenu), which the
// theme's menu script fills from `admin/menu`.
import type { LuciConfig } from './config.js';
import { scriptString } from './i18n.js';
import type { MenuNode } from './menu.js';
import { SCRIPT_NAME } from './request.js';
import type { PageContext } from './resolve.js';

/** entityencode(…, true) */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** dispatcher.uc build_url: segments that are not URL-safe are left out. */
export function buildUrl(...segments: string[]): string {
  const kept = segments.filter((s) => /^[A-Za-z0-9_%.\/,;-]+$/.test(s));
  return kept.length ? `${SCRIPT_NAME}/${kept.join('/')}` : `${SCRIPT_NAME}/`;
}

/** A pending rollback the page must keep confirming (dispatcher.uc rollback_pending). */
export interface PendingRollback {
  remaining: number;
  token: string;
}

export interface ShellOptions {
  config: LuciConfig;
  lang: string;
  ctx: PageContext;
  node: MenuNode;
  pathInfo: string;
  hostname: string;
  rollback?: PendingRollback;
  /** The theme has `resources/menu-<theme>.js`, the script its footer loads. */
  menuScript?: string;
  /** Seconds since the epoch of the package database, LuCI's cache buster for luci.js. */
  version: string;
}

/** The object header.ut passes to `new LuCI(…)`, with `/` escaped as `\/` as it does. */
export function luciEnv(o: ShellOptions): string {
  const env = {
    media: o.config.media,
    resource: o.config.resource,
    scriptname: SCRIPT_NAME,
    pathinfo: o.pathInfo,
    documentroot: '/www',
    requestpath: o.ctx.request_path,
    dispatchpath: o.ctx.path,
    pollinterval: o.config.pollinterval,
    ubuspath: o.config.ubuspath,
    sessionid: o.ctx.authsession,
    token: o.ctx.authtoken,
    nodespec: o.node,
    apply_rollback: o.config.apply.rollback,
    apply_holdoff: o.config.apply.holdoff,
    apply_timeout: o.config.apply.timeout,
    apply_display: o.config.apply.display,
    // header.ut passes a template variable the dispatcher never sets; the footer carries the token
    rollback_token: null,
  };
  return JSON.stringify(env).replace(/\//g, '\\/').replace(/</g, '\\u003c');
}

function header(o: ShellOptions): string {
  const { media, resource } = o.config;
  const title = o.node.title ? `${o.hostname} | ${o.node.title}` : o.hostname;
  const lines = [
    '<!DOCTYPE html>',
    `<html lang="${html(o.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<title>${html(title)}</title>`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<link rel="stylesheet" href="${html(media)}/cascade.css">`,
    `<link rel="icon" href="${html(media)}/logo.svg" sizes="any">`,
    `<script src="${html(buildUrl('admin', 'translations', o.lang))}"></script>`,
    `<script src="${html(resource)}/cbi.js"></script>`,
    '</head>',
    `<body class="lang_${html(o.lang)} ${html(o.node.title ?? '')}" data-page="${html(o.ctx.request_path.join('-'))}">`,
    '<header>',
    `<a class="brand" href="/">${html(o.hostname)}</a>`,
    '<ul class="nav" id="topmenu" style="display:none"></ul>',
    '<div id="indicators" class="pull-right"></div>',
    '</header>',
    '<div id="maincontent" class="container">',
    '<div id="tabmenu" style="display:none"></div>',
    `<script src="${html(resource)}/luci.js?v=${html(o.version)}"></script>`,
    `<script>L = new LuCI(${luciEnv(o)});</script>`,
  ];
  return lines.join('\n');
}

function footer(o: ShellOptions): string {
  const lines: string[] = [];
  if (o.rollback) {
    const deadline = `Date.now() + ${o.rollback.remaining * 1000}`;
    lines.push(
      '<script>',
      `document.addEventListener("luci-loaded", function() { L.ui.changes.confirm(true, ${deadline}, ${scriptString(o.rollback.token)}); });`,
      '</script>',
    );
  }
  lines.push('</div>', '<footer><ul class="breadcrumb pull-right" id="modemenu" style="display:none"></ul></footer>');
  if (o.menuScript) lines.push(`<script>L.require(${scriptString(o.menuScript)})</script>`);
  lines.push('</body>', '</html>', '');
  return lines.join('\n');
}

/** view.ut: the page of a `view` action. */
export function viewPage(o: ShellOptions, view: string): string {
  const body = [
    '<div id="view">',
    '<div class="spinning">Loading view…</div>',
    `<script>L.require('ui').then(function(ui) { ui.instantiateView(${scriptString(view)}); });</script>`,
    '</div>',
  ];
  return [header(o), ...body, footer(o)].join('\n');
}

/** sysauth.ut: the login form, posting luci_username and luci_password to the same URL. */
export function loginPage(o: ShellOptions, failedUser: string | undefined): string {
  const body = ['<form method="post">'];
  if (failedUser !== undefined) {
    body.push('<div class="alert-message warning"><p>Invalid username and/or password! Please try again.</p></div>');
  }
  body.push(
    '<div class="cbi-map">',
    '<h2 name="content">Authorization Required</h2>',
    '<div class="cbi-map-descr">Please enter your username and password.</div>',
    '<div class="cbi-section"><div class="cbi-section-node">',
    '<div class="cbi-value"><label class="cbi-value-title" for="luci_username">Username</label>',
    '<div class="cbi-value-field"><input class="cbi-input-text" type="text" id="luci_username" name="luci_username" value="root" autocomplete="username"></div></div>',
    '<div class="cbi-value cbi-value-last"><label class="cbi-value-title" for="luci_password">Password</label>',
    '<div class="cbi-value-field"><input class="cbi-input-text" type="password" id="luci_password" name="luci_password" autocomplete="current-password"></div></div>',
    '</div></div>',
    '</div>',
    '<div class="cbi-page-actions"><input type="submit" value="Log in" class="btn cbi-button cbi-button-apply"></div>',
    '</form>',
    "<script>var input = document.getElementsByName('luci_password')[0]; if (input) input.focus();</script>",
  );
  return [header(o), ...body, footer(o)].join('\n');
}

/** error404.ut and csrftoken.ut: a plain page with a heading and a message. */
export function messagePage(o: ShellOptions, heading: string, message: string): string {
  const body = [`<h2 name="content">${html(heading)}</h2>`, `<p class="alert-message">${html(message)}</p>`];
  return [header(o), ...body, footer(o)].join('\n');
}
