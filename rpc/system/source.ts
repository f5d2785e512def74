// The system the server describes, for every object that answers about the machine (firewall,
// luci, luci-rpc, network, file, rc, system): the settings' snapshot, re-read when its file
// changes; or, with `live`, this machine itself; or, with `derive`, the system the confdir's
// network config describes; and, with `root`, a directory standing for `/`
// whose files are read before the snapshot's. Also the confdir's committed configs, read as
// rpcd's plugins read them (a fresh uci context: no session's staged changes).
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { deriveSnapshot, LiveSystemView, SnapshotView, type StatInfo, type SystemSnapshot, type SystemView } from '../../lib/fw4/index.js';
import { Cursor, UciError, type UciPackage } from '../../lib/uci/index.js';
import type { AppContext } from '../app.js';
import { RootDir, RootDirView } from './root-dir.js';
import { FileChecks, parseStillValid, type FileCheck } from '../uci/freshness.js';

/**
 * A view whose file reads go to a directory first and to another view after; everything else
 * (ubus replies, commands, the clock) comes from the other view.
 */
export class RootedView implements SystemView {
  constructor(
    private readonly files: SystemView,
    private readonly rest: SystemView,
  ) {}

  ubus(object: string, method: string, args?: Record<string, string>): unknown {
    return this.rest.ubus(object, method, args);
  }
  readFile(path: string): string | null {
    return this.files.readFile(path) ?? this.rest.readFile(path);
  }
  stat(path: string): StatInfo | null {
    return this.files.stat(path) ?? this.rest.stat(path);
  }
  listDir(path: string): string[] {
    return this.files.openDir(path) ?? this.rest.listDir(path);
  }
  openDir(path: string): string[] | null {
    return this.files.openDir(path) ?? this.rest.openDir(path);
  }
  access(path: string): boolean {
    return this.files.access(path) || this.rest.access(path);
  }
  readlink(path: string): string | null {
    return this.files.readlink(path) ?? this.rest.readlink(path);
  }
  glob(pattern: string): string[] {
    const found = this.files.glob(pattern);
    return found.length ? found : this.rest.glob(pattern);
  }
  commandOutput(cmdline: string): string | null {
    return this.rest.commandOutput(cmdline);
  }
  system(cmdline: string): number {
    return this.rest.system(cmdline);
  }
  now(): number {
    return this.rest.now();
  }
}

export class NoSnapshotError extends Error {
  override name = 'NoSnapshotError';
}

export interface SystemSource {
  /** The settings' snapshot as it is on disk now; throws NoSnapshotError when none is set. */
  snapshot(): SystemSnapshot;
  /** What the machine answers: snapshot, live, or nothing (an empty snapshot), under `root`. */
  view(): SystemView;
  /** A committed config of the confdir, or null when it does not exist or does not parse. */
  config(name: string): UciPackage | null;
  /** The directory standing for `/` (`root`, or `/` when live), if any. */
  readonly rootDir: RootDir | undefined;
}

const EMPTY_VIEW = new SnapshotView({});

/** A committed config of `confdir` read now (SystemSource.config keeps it), or null when it does not exist or does not parse. */
export function readConfig(confdir: string, name: string): UciPackage | null {
  try {
    return new Cursor({ confdir, savedir: null }).load(name);
  } catch (err) {
    if (err instanceof UciError) return null;
    throw err;
  }
}

function makeSource(app: AppContext): SystemSource {
  const { snapshot: snapshotFile, root, live, derive, confdir } = app.settings;
  const snapshotChecks = snapshotFile === undefined ? null : new FileChecks(dirname(snapshotFile), undefined, app.now);
  let cachedSnapshot: { file: FileCheck; snapshot: SystemSnapshot; view: SnapshotView } | null = null;
  const configChecks = new FileChecks(confdir, undefined, app.now);
  const configs = new Map<string, { file: FileCheck; pkg: UciPackage | null }>();
  const rootDir = root === undefined ? undefined : new RootDir(root);
  const rootFiles = rootDir === undefined ? null : new RootDirView(rootDir);
  const liveView = live ? new LiveSystemView({ root: root ?? '/' }) : null;

  let derived: { network: UciPackage; wireless: UciPackage | null; snapshot: SystemSnapshot; view: SnapshotView } | null = null;

  /** The system of the committed network and wireless configs, derived again when either changes. */
  function deriveFromConfdir(): { snapshot: SystemSnapshot; view: SnapshotView } {
    const network = source.config('network');
    if (network === null) throw new NoSnapshotError('no snapshot file in the settings, and no network config to derive the system from');
    const wireless = source.config('wireless');
    if (derived?.network === network && derived.wireless === wireless) return derived;
    const snapshot = deriveSnapshot({ network, ...(wireless ? { wireless } : {}) });
    derived = { network, wireless, snapshot, view: new SnapshotView(snapshot) };
    return derived;
  }

  function loadSnapshot(): { snapshot: SystemSnapshot; view: SnapshotView } {
    if (snapshotFile === undefined && derive) return deriveFromConfdir();
    if (snapshotFile === undefined || snapshotChecks === null) throw new NoSnapshotError('no snapshot file in the settings');
    const file = snapshotChecks.check(basename(snapshotFile));
    if (cachedSnapshot && parseStillValid(cachedSnapshot.file, file)) return cachedSnapshot;
    const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as SystemSnapshot;
    cachedSnapshot = { file, snapshot, view: new SnapshotView(snapshot) };
    return cachedSnapshot;
  }

  const source: SystemSource = {
    rootDir: rootDir ?? (live ? new RootDir('/') : undefined),
    snapshot: () => loadSnapshot().snapshot,
    view() {
      if (liveView && snapshotFile === undefined) return liveView;
      let base: SystemView = EMPTY_VIEW;
      if (snapshotFile !== undefined || derive) {
        try {
          base = loadSnapshot().view;
        } catch (err) {
          // a snapshot that cannot be read answers like a router that has none of it
          app.log(`system: ${snapshotFile === undefined ? 'cannot derive the system' : `cannot read the snapshot ${snapshotFile}`}: ${(err as Error).message}`);
        }
      }
      return rootFiles ? new RootedView(rootFiles, base) : base;
    },
    config(name) {
      const file = configChecks.check(name);
      const known = configs.get(name);
      if (known && parseStillValid(known.file, file)) return known.pkg;
      const pkg = readConfig(confdir, name);
      configs.set(name, { file, pkg });
      return pkg;
    },
  };
  return source;
}

const sources = new WeakMap<AppContext, SystemSource>();

/** The one system source of a running server, shared by its objects. */
export function systemSourceFor(app: AppContext): SystemSource {
  let source = sources.get(app);
  if (!source) sources.set(app, (source = makeSource(app)));
  return source;
}
