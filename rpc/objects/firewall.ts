// Our extension object `firewall`: the ruleset fw4 would load and fw4's findings, for the
// firewall config as the calling session sees it (file plus its staged changes), against the
// system snapshot of the settings. Read-ACL'd like uci: scope "uci", config "firewall", "read".
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import {
  checkFindings,
  defaultHelpers,
  formatDiagnostic,
  Fw4RuntimeError,
  offloadReport,
  SnapshotView,
  translateFirewall,
  documentLocator,
  type SystemSnapshot,
  type Translation,
} from '../../lib/fw4/index.js';
import { UciError, type Document, type UciPackage } from '../../lib/uci/index.js';
import type { AppContext, ObjectFactory } from '../app.js';
import { fail, ok, type CallContext, type MethodResult } from '../dispatch.js';
import { Status } from '../errors.js';
import { RawJson, type JsonObject } from '../json.js';
import { FileChecks, parseStillValid, type FileCheck } from '../uci/freshness.js';
import { storeFor } from '../uci/store.js';

interface View {
  firewall: UciPackage;
  doc: Document;
  system: SnapshotView;
  translation: Translation;
}

export const firewallObject: ObjectFactory = (app: AppContext) => {
  const store = storeFor(app);
  const snapshotFile = app.settings.snapshot;
  // the snapshot is read again only when its file changed, as the store does for configs
  const snapshotChecks = snapshotFile === undefined ? null : new FileChecks(dirname(snapshotFile), undefined, app.now);
  let cachedSnapshot: { file: FileCheck; snapshot: SystemSnapshot } | null = null;

  function readSnapshot(arrival = Infinity): SystemSnapshot {
    if (snapshotFile === undefined || snapshotChecks === null) throw new Error('no snapshot file in the settings');
    const file = snapshotChecks.check(basename(snapshotFile), arrival);
    if (cachedSnapshot && parseStillValid(cachedSnapshot.file, file)) return cachedSnapshot.snapshot;
    const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as SystemSnapshot;
    cachedSnapshot = { file, snapshot };
    return snapshot;
  }

  /** The session's firewall (and helpers) rendered, or the status that stops it. */
  function view(ctx: CallContext): View | MethodResult {
    if (!ctx.session.allowed('uci', 'firewall', 'read')) return fail(Status.PERMISSION_DENIED);
    let snapshot: SystemSnapshot;
    try {
      snapshot = readSnapshot(ctx.arrival);
    } catch (err) {
      app.log(`firewall: cannot read the snapshot ${snapshotFile ?? '(none set)'}: ${(err as Error).message}`);
      return fail(Status.NOT_FOUND);
    }
    const sid = ctx.session.id;
    try {
      // a read: the session's parse serves while the file is unchanged, and no other session's check is dropped
      const { doc, pkg: firewall } = store.committed(sid, 'firewall', ctx.arrival);
      let helpers: UciPackage;
      try {
        helpers = store.load(sid, 'helpers');
      } catch (err) {
        if (!(err instanceof UciError && err.code === 'NOT_FOUND')) throw err;
        helpers = defaultHelpers();
      }
      const system = new SnapshotView(snapshot);
      return { firewall, doc, system, translation: translateFirewall({ firewall, helpers, system }) };
    } catch (err) {
      if (err instanceof UciError && err.code === 'NOT_FOUND') return fail(Status.NOT_FOUND);
      if (err instanceof UciError || err instanceof Fw4RuntimeError) return { status: Status.UNKNOWN_ERROR, data: { error: err.message } };
      throw err;
    }
  }

  const isView = (v: View | MethodResult): v is View => 'translation' in v;

  return {
    name: 'firewall',
    methods: {
      print: (_args, ctx) => {
        const v = view(ctx);
        if (!isView(v)) return v;
        // stdout and stderr of `fw4 print`, byte for byte
        return ok({ ruleset: v.translation.text, warnings: v.translation.diagnostics.map((d) => formatDiagnostic(d)).join('') });
      },
      check: (_args, ctx) => {
        const v = view(ctx);
        if (!isView(v)) return v;
        const findings = checkFindings(v.firewall, v.translation.diagnostics, { firewall: documentLocator('firewall', v.doc) });
        const out: JsonObject[] = findings.map((f) => ({ file: f.file, ...(f.line !== undefined ? { line: f.line } : {}), message: f.message }));
        return ok({ findings: out });
      },
      offload: (_args, ctx) => {
        const v = view(ctx);
        if (!isView(v)) return v;
        // the report is plain data: what `fw4 offload --json` prints
        return ok(new RawJson(JSON.stringify(offloadReport(v.translation, v.system))));
      },
    },
  };
};
