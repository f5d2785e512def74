import type { StatInfo, SystemSnapshot, SystemView } from './types.js';

/** fw4's test harness names a mock after its path: each run of other characters becomes `_`. */
export function mockKey(path: string): string {
  return path.replace(/[^A-Za-z0-9_-]+/g, '_');
}

function byMockKey<T>(entries: Record<string, T> | undefined): Map<string, T> {
  const map = new Map<string, T>();
  for (const [key, value] of Object.entries(entries ?? {})) map.set(mockKey(key), value);
  return map;
}

/** A SystemView answering from a recorded snapshot. */
export class SnapshotView implements SystemView {
  private readonly ubusReplies: Map<string, unknown>;
  private readonly files: Map<string, string>;
  private readonly stats: Map<string, StatInfo | null>;
  private readonly dirs: Map<string, string[]>;
  private readonly globs: Map<string, string[]>;
  private readonly commands: Map<string, string>;
  private readonly systems: Map<string, number>;

  constructor(readonly snapshot: SystemSnapshot) {
    this.ubusReplies = new Map(Object.entries(snapshot.ubus ?? {}));
    this.files = byMockKey(snapshot.files);
    this.stats = byMockKey(snapshot.stat);
    this.dirs = byMockKey(snapshot.dirs);
    this.globs = byMockKey(snapshot.globs);
    this.commands = byMockKey(snapshot.commands);
    this.systems = byMockKey(snapshot.system);
  }

  ubus(object: string, method: string, args?: Record<string, string>): unknown {
    const suffix = Object.entries(args ?? {}).map(([k, v]) => `~${k}-${v}`).join('');
    return this.ubusReplies.get(`${object}~${method}${suffix}`) ?? null;
  }

  readFile(path: string): string | null {
    return this.files.get(mockKey(path)) ?? null;
  }

  stat(path: string): StatInfo | null {
    const key = mockKey(path);
    if (this.stats.has(key)) return this.stats.get(key) ?? null;
    return this.snapshot.missingStat === 'exists' ? { type: 'file' } : null;
  }

  listDir(path: string): string[] {
    return this.dirs.get(mockKey(path)) ?? [];
  }

  openDir(path: string): string[] | null {
    const entries = this.dirs.get(mockKey(path));
    if (entries) return entries;
    // fw4's test harness opens any directory, listing nothing when there is no mock
    return this.snapshot.missingStat === 'exists' ? [] : null;
  }

  access(path: string): boolean {
    // the harness answers access() from file mocks only, and an empty mock counts as missing
    if (this.readFile(path)) return true;
    if (this.snapshot.missingStat === 'exists') return false;
    const key = mockKey(path);
    return this.dirs.has(key) || !!this.stats.get(key);
  }

  readlink(_path: string): string | null {
    return null;
  }

  glob(pattern: string): string[] {
    return this.globs.get(mockKey(pattern)) ?? [];
  }

  commandOutput(cmdline: string): string | null {
    return this.commands.get(mockKey(cmdline)) ?? null;
  }

  system(cmdline: string): number {
    return this.systems.get(mockKey(cmdline)) ?? this.snapshot.systemDefault ?? 0;
  }

  now(): number {
    return this.snapshot.time ?? Math.floor(Date.now() / 1000);
  }
}
