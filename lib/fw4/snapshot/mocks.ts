import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatInfo, SystemSnapshot } from './types.js';

// fw4's test harness answers `fs.stat` for an unmocked path as if it were a file, and its
// clock is fixed at this instant; the corpus outputs depend on both.
const HARNESS_TIME = 1615382640;

/**
 * Reads a folder in fw4's test-mock layout (`ubus/`, `fs/`) into a snapshot; keys stay in
 * the harness's mangled form, which SnapshotView matches paths against.
 */
export function readMocksDir(dir: string): SystemSnapshot {
  const snapshot: Required<Pick<SystemSnapshot, 'ubus' | 'files' | 'stat' | 'dirs' | 'globs' | 'commands'>> &
    SystemSnapshot = {
    format: 'uci-fw4-snapshot/1',
    ubus: {},
    files: {},
    stat: {},
    dirs: {},
    globs: {},
    commands: {},
    missingStat: 'exists',
    systemDefault: 0,
    time: HARNESS_TIME,
  };
  for (const name of listFiles(join(dir, 'ubus'))) {
    if (name.endsWith('.json')) snapshot.ubus[name.slice(0, -5)] = readJson(join(dir, 'ubus', name));
  }
  for (const name of listFiles(join(dir, 'fs'))) {
    const at = name.indexOf('~');
    if (at < 0) continue;
    const kind = name.slice(0, at);
    const file = join(dir, 'fs', name);
    const key = name.slice(at + 1).replace(/\.(json|txt)$/, '');
    switch (kind) {
      case 'open': snapshot.files[key] = readFileSync(file, 'utf8'); break;
      case 'stat': {
        const info = readJson(file) as StatInfo | null;
        snapshot.stat[key] = info && { ...info, type: info.type ?? 'file' };
        break;
      }
      case 'opendir': case 'lsdir': snapshot.dirs[key] = readJson(file) as string[]; break;
      case 'glob': snapshot.globs[key] = readJson(file) as string[]; break;
      case 'popen': snapshot.commands[key] = readFileSync(file, 'utf8'); break;
    }
  }
  return snapshot;
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}
