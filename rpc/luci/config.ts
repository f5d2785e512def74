// The root's committed configuration as LuCI's dispatcher reads it: the `luci` package (theme,
// resource base, language, session time, apply timings) and, for menu `depends`, any package.
import { statSync } from 'node:fs';
import type { OptionValue, UciPackage } from '../../lib/uci/index.js';
import { readConfig } from '../system/source.js';
import { insideRoot, type LuciRoot } from './root.js';

export interface ApplyTimings {
  /** Seconds LuCI waits for a confirmation before the rollback (header.ut: at least 90). */
  rollback: number;
  holdoff: number;
  timeout: number;
  display: number;
}

export interface LuciConfig {
  /** The theme's URL (`/luci-static/bootstrap`) and name (`bootstrap`). */
  media: string;
  theme: string;
  resource: string;
  ubuspath: string;
  pollinterval: number;
  /** `auto` or a language code. */
  lang: string;
  /** Codes of the `languages` section: those `auto` may pick. */
  languages: Set<string>;
  /** luci.sauth.sessiontime: the session timeout a login asks for. */
  sessionTime?: number;
  apply: ApplyTimings;
  /** luci.apply.rollback as given: the confirmation token's lifetime (uci.uc:50). */
  rollbackSeconds: number;
}

/** Reads committed packages of the root's confdir; a missing or broken package reads as absent. */
export function packageReader(confdir: string): (name: string) => UciPackage | undefined {
  return (name) => readConfig(confdir, name) ?? undefined;
}

function scalar(value: OptionValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** ucode's `+x || fallback`: a number that is not 0 or NaN, else the fallback. */
function number(value: string | undefined, fallback: number): number {
  const n = Number(value ?? '');
  return value !== undefined && value.trim() !== '' && n ? n : fallback;
}

/** uci.uc:50 `+(config.apply.rollback ?? 90) || 0`. */
function rollbackSeconds(value: string | undefined): number {
  if (value === undefined) return 90;
  return Number(value.trim() === '' ? 0 : value) || 0;
}

function themeExists(root: LuciRoot, media: string): boolean {
  const dir = root.www === undefined ? undefined : insideRoot(root.www, media);
  return dir !== undefined && statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
}

export function readLuciConfig(root: LuciRoot, read: (name: string) => UciPackage | undefined): LuciConfig {
  const pkg = read('luci');
  const section = (name: string) => pkg?.sections.find((s) => s.name === name)?.options ?? new Map<string, OptionValue>();
  const main = section('main');
  const apply = section('apply');
  // runtime.uc: the configured theme, else the first of `luci.themes` that loads
  let media = scalar(main.get('mediaurlbase')) ?? '/luci-static/bootstrap';
  if (!themeExists(root, media)) {
    for (const value of section('themes').values()) {
      if (typeof value === 'string' && themeExists(root, value)) {
        media = value;
        break;
      }
    }
  }
  const sessionTime = scalar(section('sauth').get('sessiontime'));
  return {
    media,
    theme: media.slice(media.lastIndexOf('/') + 1),
    resource: scalar(main.get('resourcebase')) ?? '/luci-static/resources',
    ubuspath: scalar(main.get('ubuspath')) || '/ubus/',
    pollinterval: number(scalar(main.get('pollinterval')), 5),
    lang: scalar(main.get('lang')) || 'auto',
    languages: new Set(section('languages').keys()),
    sessionTime: sessionTime === undefined || !/^\d+$/.test(sessionTime) ? undefined : Number(sessionTime),
    apply: {
      rollback: Math.max(number(scalar(apply.get('rollback')), 90), 90),
      holdoff: Math.max(number(scalar(apply.get('holdoff')), 4), 1),
      timeout: Math.max(number(scalar(apply.get('timeout')), 5), 1),
      display: Math.max(number(scalar(apply.get('display')), 1.5), 1),
    },
    rollbackSeconds: rollbackSeconds(scalar(apply.get('rollback'))),
  };
}
