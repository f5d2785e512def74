// Our extension object `firewall`: the ruleset fw4 would load and fw4's findings, for the
// firewall config as the calling session sees it (file plus its staged changes), against the
// system snapshot of the settings. Read-ACL'd like uci: scope "uci", config "firewall", "read".
import { readFileSync } from 'node:fs';
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
import { parseDocument, UciError, type Document, type UciPackage } from '../../lib/uci/index.js';
import type { AppContext, ObjectFactory } from '../app.js';
import { fail, ok, type CallContext, type MethodResult } from '../dispatch.js';
import { Status } from '../errors.js';
import { RawJson, type JsonObject } from '../json.js';
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

  /** The session's firewall (and helpers) rendered, or the status that stops it. */
  function view(ctx: CallContext): View | MethodResult {
    if (!ctx.session.allowed('uci', 'firewall', 'read')) return fail(Status.PERMISSION_DENIED);
    let snapshot: SystemSnapshot;
    try {
      snapshot = JSON.parse(readFileSync(snapshotFile ?? '', 'utf8')) as SystemSnapshot;
    } catch (err) {
      app.log(`firewall: cannot read the snapshot ${snapshotFile ?? '(none set)'}: ${(err as Error).message}`);
      return fail(Status.NOT_FOUND);
    }
    const sid = ctx.session.id;
    try {
      // a read: the session's parse serves while the file is unchanged, and no other session's check is dropped
      store.load(sid, 'firewall', ctx.arrival);
      const text = store.cursor(sid).commitText('firewall');
      const doc = parseDocument(text, { name: 'firewall', file: 'firewall' });
      const firewall = doc.toPackage();
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
