// The commands of `uci` (cli.c), each with libuci's output, messages and exit status.

import {
  addSectionAs, Cursor, editPointer, exportText, exportUnchanged, formatChange, getUnchanged, getValue, lookupPointer, sectionRefs,
  showSectionLines, showUnchanged, showValue, Tokenizer, UciError, type PointerEdit, type SectionNode, type UciPointer,
} from '../../lib/uci/index.js';
import { errorNumber, type Output } from './context.js';

export interface Settings {
  delimiter: string;
  showExt: boolean;
  merge: boolean;
  noCommit: boolean;
  strict: boolean;
  exportNames: boolean;
}

type SectionCmd = 'get' | 'revert' | PointerEdit;
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

  /**
   * A shortcut for a package with nothing staged (lib/uci form-read): its output, null when
   * the package must be loaded, false when it failed (the error printed).
   */
  private unchanged<T>(read: () => T | null): T | null | false {
    try {
      return read();
    } catch (err) {
      this.perror(err);
      return false;
    }
  }

  private printed(out: (string | Buffer)[]): number {
    for (const o of out) this.io.stdout(o);
    return 0;
  }

  /** lookup() with its error printed; null when it failed. */
  private lookupOrReport(tuple: string): UciPointer | null {
    try {
      return lookupPointer(this.cursor, tuple);
    } catch (err) {
      this.perror(err);
      return null;
    }
  }

  private sectionCmd(cmd: SectionCmd, tuple: string): number {
    if (cmd === 'get') {
      const line = this.unchanged(() => getUnchanged(this.cursor, tuple, this.set.delimiter));
      if (line !== null) return line === false ? 1 : this.printed([line]);
    }
    const ptr = this.lookupOrReport(tuple);
    if (!ptr) return 1;
    if (ptr.value !== undefined && (cmd === 'get' || cmd === 'revert')) return 1;
    try {
      switch (cmd) {
        case 'get': {
          if (!ptr.complete) throw new UciError('NOT_FOUND');
          const found = ptr.found; // nothing for a package
          if (found !== undefined) this.io.stdout(getValue(found, this.set.delimiter) + '\n');
          return 0;
        }
        case 'revert':
          try {
            this.cursor.revertPackage(ptr.package, ptr.section, ptr.option);
          } catch {
            // libuci's command ignores what revert returns
          }
          return 0;
        case 'delete':
          // cli.c: `sscanf(value, "%d") == 0` ends the command with status 1 and no message
          if (ptr.value !== undefined && /^[ \t\n\v\f\r]*(?:[^ \t\n\v\f\r+\-\d]|[+-](?!\d))/.test(ptr.value)) return 1;
          editPointer(this.cursor, ptr, cmd);
          break;
        default:
          editPointer(this.cursor, ptr, cmd);
      }
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
    const { cursor, set } = this;
    const unchanged =
      cmd === 'export' && !set.exportNames ? this.unchanged(() => exportUnchanged(cursor, tuple))
      : cmd === 'show' ? this.unchanged(() => showUnchanged(cursor, tuple, { extended: set.showExt, delimiter: set.delimiter }))
      : null;
    if (unchanged !== null) return unchanged === false ? 1 : this.printed(unchanged);
    const ptr = this.lookupOrReport(tuple);
    if (!ptr) return 1;
    try {
      switch (cmd) {
        case 'changes':
          for (const c of this.cursor.changes(ptr.package)) this.io.stdout(formatChange(c) + '\n');
          break;
        case 'commit':
          // the loaded document is not held here: the commit reads the file again, and a big
          // package must not be in memory twice
          if (!this.set.noCommit) this.cursor.commit(ptr.package);
          break;
        case 'export':
          this.io.stdout(exportText(ptr.document, { anonymousNames: this.set.exportNames }));
          break;
        case 'show': {
          if (!ptr.complete) throw new UciError('NOT_FOUND');
          const doc = ptr.document;
          const s = ptr.foundSection;
          const o = ptr.foundOption;
          if (s && o) this.io.stdout(`${doc.name}.${s.name}.${o.name}=${showValue(o.value, this.set.delimiter)}\n`);
          else if (s) this.io.stdout(this.showSection(doc.name, s.name, s));
          else this.showPackage(doc.name, doc.sections);
          break;
        }
      }
    } catch (err) {
      this.perror(err);
      return 1;
    } finally {
      this.cursor.unload(ptr.package);
    }
    return 0;
  }

  private showSection(pkg: string, ref: string, s: SectionNode): string {
    return showSectionLines(pkg, ref, { type: s.type, options: s.options.map((o) => [o.name, o.value] as const) }, this.set.delimiter);
  }

  private showPackage(pkg: string, sections: readonly SectionNode[]): void {
    const refs = this.set.showExt ? sectionRefs(sections) : sections.map((s) => s.name);
    this.io.stdout(sections.map((s, i) => this.showSection(pkg, refs[i]!, s)).join(''));
  }

  private addCmd(argv: string[]): number {
    if (argv.length !== 3) return 255;
    try {
      this.io.stdout(addSectionAs(this.cursor, argv[1]!, argv[2]!) + '\n');
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
      this.cursor.importText(this.input(), { name, merge: this.set.merge });
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
