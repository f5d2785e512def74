// The commands of `uci` (cli.c), each with libuci's output, messages and exit status.

import { Cursor, toChange, type LoadedPackage } from '../../lib/uci/cursor.js';
import { exportText } from '../../lib/uci/export.js';
import { UciError } from '../../lib/uci/errors.js';
import { Tokenizer } from '../../lib/uci/lexer.js';
import { isValidPackage } from '../../lib/uci/names.js';
import type { SectionNode } from '../../lib/uci/nodes.js';
import {
  scanInt, strtoulInt, type Target, uciAddList, uciAddSection, uciDelete, uciDelList, uciRename, uciReorder, uciSet,
} from '../../lib/uci/ops.js';
import { mergeInto, parseDocument, parsePackages } from '../../lib/uci/parser.js';
import { lookupExtSection, parsePath } from '../../lib/uci/path.js';
import { sectionRefs } from '../../lib/uci/section-refs.js';
import { formatChange, getValue, showSectionLines, showValue } from '../../lib/uci/show.js';
import { errorNumber, type Output } from './context.js';

export interface Settings {
  delimiter: string;
  showExt: boolean;
  merge: boolean;
  noCommit: boolean;
  strict: boolean;
  exportNames: boolean;
}

interface Ptr {
  /** The package as named in the tuple (the key it is loaded under). */
  key: string;
  lp: LoadedPackage;
  t: Target;
}

type SectionCmd = 'get' | 'set' | 'add_list' | 'del_list' | 'delete' | 'rename' | 'revert' | 'reorder';
type PackageCmd = 'show' | 'changes' | 'export' | 'commit';

const SECTION_CMDS: Record<string, SectionCmd> = {
  get: 'get', set: 'set', add_list: 'add_list', del_list: 'del_list', del: 'delete', delete: 'delete',
  ren: 'rename', rename: 'rename', revert: 'revert', reorder: 'reorder',
};
const PACKAGE_CMDS: Record<string, PackageCmd> = { show: 'show', changes: 'changes', export: 'export', commit: 'commit' };

export class Commands {
  /** The batch input's tokenizer while a batch runs (libuci keeps its parse context). */
  batch: Tokenizer | null = null;

  constructor(
    private readonly cursor: Cursor,
    private readonly io: Output,
    private readonly set: Settings,
    private readonly input: () => string,
    private readonly usage: string,
  ) {}

  private perror(err: unknown): void {
    this.io.perror(err, this.batch);
  }

  /** uci_cmd: dispatches argv (command first); 255 means usage. */
  run(argv: string[]): number {
    const name = argv[0]!.toLowerCase();
    if (name === 'batch' && !this.batch) return this.runBatch();
    const sc = SECTION_CMDS[name];
    if (sc) return argv.length === 2 ? this.sectionCmd(sc, argv[1]!) : 255;
    const pc = PACKAGE_CMDS[name];
    if (pc) return this.packageCmds(pc, argv);
    if (name === 'import') return this.importCmd(argv);
    if (name === 'add') return this.addCmd(argv);
    if (name === 'help') {
      this.io.err.push(this.usage);
      return 0;
    }
    return 255;
  }

  /** uci_lookup_ptr with extended syntax. */
  private lookup(tuple: string): Ptr {
    const path = parsePath(tuple);
    const lp = this.cursor.loadPackage(path.package);
    const t: Target = { section: path.section, option: path.option, value: path.value, complete: false };
    if (path.section === undefined) {
      t.complete = true;
      return { key: path.package, lp, t };
    }
    const s = path.extended ? lookupExtSection(lp.doc, path.section) : lp.doc.findSection(path.section);
    if (!s) return { key: path.package, lp, t };
    t.s = s;
    t.section = s.name;
    if (path.option !== undefined) {
      t.o = s.findOption(path.option);
      if (!t.o) return { key: path.package, lp, t };
    }
    t.complete = true;
    return { key: path.package, lp, t };
  }

  /** lookup() with its error printed; null when it failed. */
  private lookupOrReport(tuple: string): Ptr | null {
    try {
      return this.lookup(tuple);
    } catch (err) {
      this.perror(err);
      return null;
    }
  }

  private sectionCmd(cmd: SectionCmd, tuple: string): number {
    const ptr = this.lookupOrReport(tuple);
    if (!ptr) return 1;
    const { lp, t } = ptr;
    const doc = lp.doc;
    const log = doc.onChange;
    if (t.value !== undefined && (cmd === 'get' || cmd === 'revert')) return 1;
    try {
      switch (cmd) {
        case 'get':
          if (!t.complete) throw new UciError('NOT_FOUND');
          if (t.o) this.io.stdout(getValue(t.o.value, this.set.delimiter) + '\n');
          else if (t.s) this.io.stdout(t.s.type + '\n');
          return 0;
        case 'revert':
          try {
            this.cursor.revertPackage(ptr.key, t.section, t.option);
          } catch {
            // libuci's command ignores what revert returns
          }
          return 0;
        case 'rename':
          uciRename(doc, t, log);
          break;
        case 'set':
          uciSet(doc, t, log);
          break;
        case 'add_list':
          uciAddList(t, log);
          break;
        case 'del_list':
          uciDelList(t, log);
          break;
        case 'reorder':
          if (!t.s || t.value === undefined) throw new UciError('NOT_FOUND');
          uciReorder(doc, t.s, strtoulInt(t.value), log);
          break;
        case 'delete':
          if (t.value !== undefined && scanInt(t.value)[0] === 0) return 1;
          uciDelete(doc, t, log);
          break;
      }
      this.cursor.save(lp);
    } catch (err) {
      this.perror(err);
      return 1;
    }
    return 0;
  }

  private packageCmds(cmd: PackageCmd, argv: string[]): number {
    if (argv.length > 2) return 255;
    if (argv.length === 2) return this.packageCmd(cmd, argv[1]!);
    let names: string[];
    try {
      names = this.cursor.configs();
    } catch (err) {
      this.perror(err);
      return 1;
    }
    for (const n of names) this.packageCmd(cmd, n);
    return 0;
  }

  private packageCmd(cmd: PackageCmd, tuple: string): number {
    const unchanged = cmd === 'export' ? this.cursor.exportUnchanged(tuple) : null;
    if (unchanged) {
      this.io.stdout(unchanged);
      return 0;
    }
    const ptr = this.lookupOrReport(tuple);
    if (!ptr) return 1;
    const { lp, t } = ptr;
    const doc = lp.doc;
    try {
      switch (cmd) {
        case 'changes':
          for (const d of lp.staged) this.io.stdout(formatChange(toChange(doc.name, d)) + '\n');
          break;
        case 'commit':
          if (!this.set.noCommit) this.cursor.commitPackage(lp, false);
          break;
        case 'export':
          this.io.stdout(exportText(doc, { anonymousNames: this.set.exportNames }));
          break;
        case 'show':
          if (!t.complete) throw new UciError('NOT_FOUND');
          if (t.o) this.io.stdout(`${doc.name}.${t.s!.name}.${t.o.name}=${showValue(t.o.value, this.set.delimiter)}\n`);
          else if (t.s) this.io.stdout(this.showSection(doc.name, t.s.name, t.s));
          else this.showPackage(lp);
          break;
      }
    } catch (err) {
      this.perror(err);
      return 1;
    } finally {
      this.cursor.unload(ptr.key);
    }
    return 0;
  }

  private showSection(pkg: string, ref: string, s: SectionNode): string {
    return showSectionLines(pkg, ref, { type: s.type, options: s.options.map((o) => [o.name, o.value] as const) }, this.set.delimiter);
  }

  private showPackage(lp: LoadedPackage): void {
    const sections = lp.doc.sections;
    const refs = this.set.showExt ? sectionRefs(sections) : sections.map((s) => s.name);
    this.io.stdout(sections.map((s, i) => this.showSection(lp.doc.name, refs[i]!, s)).join(''));
  }

  private addCmd(argv: string[]): number {
    if (argv.length !== 3) return 255;
    try {
      const lp = this.cursor.loadPackage(argv[1]!);
      const s = uciAddSection(lp.doc, argv[2]!, lp.doc.onChange);
      this.cursor.save(lp);
      this.io.stdout(s.name + '\n');
      return 0;
    } catch (err) {
      this.perror(err);
      return errorNumber(err);
    }
  }

  private importCmd(argv: string[]): number {
    if (argv.length > 2) return 255;
    const name = argv[1];
    if (name === undefined && this.set.merge) return 255;
    try {
      let target: LoadedPackage | null = null;
      if (this.set.merge) {
        try {
          target = this.cursor.loadPackage(name!);
        } catch {
          target = null;
        }
      }
      const text = this.input();
      const opts = { strict: this.set.strict, onError: this.onParseError, latin1: true, file: '-' };
      this.cursor.parseCount++;
      if (target) {
        mergeInto(target.doc, text, { ...opts, log: target.doc.onChange! });
        this.cursor.save(target);
        return 0;
      }
      if (name !== undefined && !isValidPackage(name)) throw new UciError('INVALID_ARGUMENT');
      const docs = name !== undefined ? [parseDocument(text, { ...opts, name })] : parsePackages(text, opts);
      for (const doc of docs) {
        const path = `${this.cursor.confdir}/${doc.name}`;
        this.cursor.commitPackage({ doc, path, hasDelta: false, staged: [], pending: [] }, true);
      }
      return 0;
    } catch (err) {
      this.perror(err);
      return 1;
    }
  }

  /** -S: each syntax error is printed as it is found, without the program name. */
  readonly onParseError = (err: unknown): void => {
    this.io.uciPerror(err, null, this.batch);
  };

  private runBatch(): number {
    const tk = new Tokenizer(this.input());
    this.batch = tk;
    do {
      const before = this.cursor.parseCount;
      const ret = this.batchCmd(tk);
      if (ret === 254) break;
      if (ret === 255) this.io.cliError('Unknown command\n');
      this.cursor.unload();
      // loading a package replaces libuci's parse context: line count and error state restart
      if (this.cursor.parseCount !== before) tk.resetContext();
    } while (!tk.atEof);
    this.batch = null;
    return 0;
  }

  private batchCmd(tk: Tokenizer): number {
    const argv: string[] = [];
    tk.startLine();
    for (let i = 0; ; i++) {
      if (i === 4) {
        this.io.cliError('Too many arguments\n');
        return 1;
      }
      let arg: string;
      try {
        arg = tk.nextArg(false);
      } catch (err) {
        this.perror(err);
        argv.length = 0;
        break;
      }
      if (arg === '') break;
      argv.push(arg);
    }
    if (argv.length === 0) return 0;
    if (argv[0]!.toLowerCase() === 'exit') return 254;
    return this.run(argv);
  }
}
