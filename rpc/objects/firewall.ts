// Our extension object `firewall`: the ruleset fw4 would load and fw4's findings, for the
// firewall config as the calling session sees it (file plus its staged changes), against the
// system snapshot of the settings. Read-ACL'd like uci: scope "uci", config "firewall", "read".
import {
  checkFirewall,
  defaultHelpers,
  diagnosticText,
  formatDiagnostic,
  Fw4RuntimeError,
  offloadReport,
  notesText,
  SnapshotView,
  systemNotes,
  translateFirewall,
  documentLocator,
  type CheckInput,
  type Diagnostic,
  type SourceLocator,
  type SystemSnapshot,
  type SystemView,
  type Translation,
} from '../../lib/fw4/index.js';
import { UciError, type UciPackage } from '../../lib/uci/index.js';
import type { AppContext, ObjectFactory } from '../app.js';
import { fail, ok, type CallContext, type MethodResult } from '../dispatch.js';
import { Status } from '../errors.js';
import { RawJson, type JsonObject } from '../json.js';
import { systemSourceFor } from '../system/source.js';
import { storeFor } from '../uci/store.js';

/** What the session sees: its firewall and helpers (each with its lines) and the snapshot's system. */
type Input = Required<CheckInput>;

const isInput = (v: Input | MethodResult): v is Input => 'locators' in v;

const warningsText = (diagnostics: readonly Diagnostic[]): string => diagnostics.map((d) => formatDiagnostic(d)).join('');

/**
 * A config that cannot be read, or fw4 crashing on it (with the warnings it printed before, and
 * the notes on `system` that `fw4 print` prints first).
 */
function failure(err: unknown, system?: SystemView): MethodResult {
  if (err instanceof UciError && err.code === 'NOT_FOUND') return fail(Status.NOT_FOUND);
  if (err instanceof Fw4RuntimeError) {
    const notes = system ? notesText(systemNotes(system, err.diagnostics.map(diagnosticText))) : '';
    return { status: Status.UNKNOWN_ERROR, data: { error: err.message, warnings: notes + warningsText(err.diagnostics) } };
  }
  if (err instanceof UciError) return { status: Status.UNKNOWN_ERROR, data: { error: err.message } };
  throw err;
}

export const firewallObject: ObjectFactory = (app: AppContext) => {
  const store = storeFor(app);
  const source = systemSourceFor(app);

  /** The session's firewall and helpers with their lines, or the status that stops it. */
  function input(ctx: CallContext): Input | MethodResult {
    if (!ctx.session.allowed('uci', 'firewall', 'read')) return fail(Status.PERMISSION_DENIED);
    let snapshot: SystemSnapshot;
    try {
      snapshot = source.snapshot();
    } catch (err) {
      app.log(`firewall: cannot read the snapshot ${app.settings.snapshot ?? '(none set)'}: ${(err as Error).message}`);
      return fail(Status.NOT_FOUND);
    }
    const sid = ctx.session.id;
    try {
      // a read: the session's parse serves while the file is unchanged, and no other session's check is dropped
      const firewall = store.committed(sid, 'firewall');
      const locators: Record<string, SourceLocator> = { firewall: documentLocator('firewall', firewall.doc) };
      let helpers: UciPackage;
      try {
        const committed = store.committed(sid, 'helpers');
        helpers = committed.pkg;
        locators.helpers = documentLocator('helpers', committed.doc);
      } catch (err) {
        if (!(err instanceof UciError && err.code === 'NOT_FOUND')) throw err;
        helpers = defaultHelpers();
      }
      return { firewall: firewall.pkg, helpers, system: new SnapshotView(snapshot), locators };
    } catch (err) {
      return failure(err);
    }
  }

  /** The session's firewall rendered, or the status that stops it. */
  function translation(ctx: CallContext): { input: Input; translation: Translation } | MethodResult {
    const i = input(ctx);
    if (!isInput(i)) return i;
    try {
      return { input: i, translation: translateFirewall(i) };
    } catch (err) {
      return failure(err, i.system);
    }
  }

  return {
    name: 'firewall',
    methods: {
      print: (_args, ctx) => {
        const t = translation(ctx);
        if (!('translation' in t)) return t;
        // stdout and stderr of `fw4 print`, byte for byte (uci-fw4's notes first, as it prints them)
        const { diagnostics, ruleset } = t.translation;
        const notes = systemNotes(t.input.system, diagnostics.map(diagnosticText), ruleset.zones);
        return ok({ ruleset: t.translation.text, warnings: notesText(notes) + warningsText(diagnostics) });
      },
      check: (_args, ctx) => {
        const i = input(ctx);
        if (!isInput(i)) return i;
        const found = checkFirewall(i);
        const findings: JsonObject[] = found.map((f) => ({ file: f.file, ...(f.line !== undefined ? { line: f.line } : {}), message: f.message }));
        const notes = systemNotes(i.system, found.map((f) => f.message));
        return ok({ findings, ...(notes.length ? { notes } : {}) });
      },
      offload: (_args, ctx) => {
        const t = translation(ctx);
        if (!('translation' in t)) return t;
        // the report is plain data: what `fw4 offload --json` prints
        const notes = systemNotes(t.input.system, t.translation.diagnostics.map(diagnosticText), t.translation.ruleset.zones);
        return ok(new RawJson(JSON.stringify(offloadReport(t.translation, t.input.system, notes))));
      },
    },
  };
};
