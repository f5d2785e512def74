// `uci-fw4 fw4 print | check | offload`: render the firewall ruleset fw4 would load.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, UciParseError, type UciPackage } from '../lib/uci/index.js';
import {
  defaultHelpers, deriveSnapshot, diagnosticText, documentLocator, formatDiagnostic, Fw4RuntimeError, notesText, readMocksDir, SnapshotView,
  systemNotes, translateFirewall, type Diagnostic, type FirewallInput, type SourceLocator, type SystemSnapshot, type Translation,
} from '../lib/fw4/index.js';
import { checkConfdir, InputError, parseCommandArgs, parseJsonFile, readInput } from './args.js';
import { writeText } from './output.js';

const COMMON = '--confdir <dir> [--snapshot <file.json|mocks-dir>] [--helpers <file>]';
const CONFDIR_HELP = '--config <dir> is another name for --confdir (the name earlier versions used).';

const USAGE: Record<string, string> = {
  print: `Usage: uci-fw4 fw4 print ${COMMON} [--fix]

Prints the nftables ruleset fw4 would render for the firewall config in <dir> on the
system the snapshot describes; fw4's warnings go to stderr, byte for byte as fw4 writes them.
Without --snapshot the system is derived from <dir>/network (and wireless): what it
assumes and which zone subnets it cannot know are printed first as notes (docs/snapshot.md).
The conntrack helper table is --helpers, else <dir>/helpers, else the table fw4 ships.
Environment: QUIET silences warnings and notes, TTY colours warnings (as fw4).
--fix repairs the rules nft would refuse (see fw4 check), so that the kernel loads the ruleset.
${CONFDIR_HELP}
`,
  check: `Usage: uci-fw4 fw4 check ${COMMON}

Validates the firewall config: syntax errors, values the option schemas reject and every
warning fw4 would print, and each rendered rule nft would refuse to load, each as
file:line: message. Exits 1 when there is any finding.
${CONFDIR_HELP}
`,
  offload: `Usage: uci-fw4 fw4 offload ${COMMON} [--json]

Reports what flow offloading does with the firewall config on the system the snapshot
describes: the mode, the flowtable's devices, why hardware offloading fell back, a table of
zone pairs x offload mode, then findings naming fw4's sections (@rule[3]) and what stops
working or stays slow once flows are offloaded. --json prints the report object.
${CONFDIR_HELP}
`,
};

const TOP = `Usage: uci-fw4 fw4 <print|check|offload> [options]

  print     render the ruleset (stdout) and fw4's warnings (stderr)
  check     validate the config, file:line diagnostics, non-zero exit on findings
  offload   flow offloading report: zone pairs × offload mode, findings (--json)

Run \`uci-fw4 fw4 <command> --help\` for the options of a command.
`;

const OPTIONS = {
  confdir: { type: 'string' },
  config: { type: 'string' },
  snapshot: { type: 'string' },
  helpers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
// the flags only one command takes
const EXTRA = { print: { fix: { type: 'boolean' } }, check: {}, offload: { json: { type: 'boolean' } } } as const;

interface Options { confdir: string; snapshot?: string; helpers?: string; json: boolean; fix: boolean }

/** The options of `command`, `'help'`, or what is wrong with the arguments. */
function options(args: string[], command: keyof typeof EXTRA): Options | 'help' | string {
  const parsed = parseCommandArgs(args, { ...OPTIONS, ...EXTRA[command] }, false);
  if (typeof parsed === 'string') return parsed;
  // one shape for the three commands' options (each has its own extra flag, or none)
  const v = parsed.values as { confdir?: string; config?: string; snapshot?: string; helpers?: string; help?: boolean; json?: boolean; fix?: boolean };
  if (v.help) return 'help';
  if (v.confdir !== undefined && v.config !== undefined && v.confdir !== v.config) return '--confdir and --config name the same directory: give one';
  const confdir = v.confdir ?? v.config;
  if (confdir === undefined) return '--confdir is required';
  return {
    confdir, ...(v.snapshot !== undefined ? { snapshot: v.snapshot } : {}), ...(v.helpers !== undefined ? { helpers: v.helpers } : {}),
    json: v.json === true, fix: v.fix === true,
  };
}

interface LoadedConfig { pkg: UciPackage; locator?: SourceLocator }

/** `lines`: keep the source positions (check); print needs only the data. */
function loadConfig(name: string, file: string, lines: boolean): LoadedConfig {
  const text = readInput(file, `the ${name} config`, () => readFileSync(file, 'utf8'));
  const doc = parseDocument(text, { name, file, trivia: lines });
  return { pkg: doc.toPackage(), ...(lines ? { locator: documentLocator(file, doc) } : {}) };
}

function loadSnapshot(path: string): SnapshotView {
  if (readInput(path, 'the snapshot', () => statSync(path).isDirectory())) {
    return new SnapshotView(readInput(path, 'the snapshot mocks', () => readMocksDir(path)));
  }
  const snapshot = parseJsonFile(path, 'the snapshot', readInput(path, 'the snapshot', () => readFileSync(path, 'utf8')));
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) {
    throw new InputError(`${path}: a snapshot is a JSON object`);
  }
  return new SnapshotView(snapshot as SystemSnapshot);
}

interface Loaded { firewall: LoadedConfig; helpers?: LoadedConfig; system: SnapshotView }

/** The system a confdir's network config describes (`uci-fw4 snapshot derive`). */
function deriveSystem(confdir: string, helpers: UciPackage): SnapshotView {
  const networkFile = join(confdir, 'network');
  if (!existsSync(networkFile)) throw new InputError(`no --snapshot, and no ${networkFile} to derive the system from`);
  const wirelessFile = join(confdir, 'wireless');
  const wireless = existsSync(wirelessFile) ? loadConfig('wireless', wirelessFile, false).pkg : undefined;
  return new SnapshotView(deriveSnapshot({ network: loadConfig('network', networkFile, false).pkg, ...(wireless ? { wireless } : {}), helpers }));
}

function load(o: Options, lines: boolean): Loaded {
  checkConfdir(o.confdir);
  const firewall = loadConfig('firewall', join(o.confdir, 'firewall'), lines);
  const helpersFile = o.helpers ?? join(o.confdir, 'helpers');
  const helpers = o.helpers !== undefined || existsSync(helpersFile) ? loadConfig('helpers', helpersFile, lines) : undefined;
  const system = o.snapshot !== undefined ? loadSnapshot(o.snapshot) : deriveSystem(o.confdir, helpers?.pkg ?? defaultHelpers());
  return { firewall, ...(helpers ? { helpers } : {}), system };
}

/** Notes go before fw4's warnings; QUIET silences them with the warnings. */
function writeNotes(notes: readonly string[]): void {
  if (!process.env.QUIET) writeText(2, notesText(notes));
}

const inputOf = (loaded: Loaded): FirewallInput =>
  ({ firewall: loaded.firewall.pkg, helpers: loaded.helpers?.pkg ?? defaultHelpers(), system: loaded.system });

/** fw4's warnings on stderr as fw4 writes them (QUIET silences them, TTY colours them). */
function writeWarnings(diagnostics: readonly Diagnostic[]): void {
  if (process.env.QUIET) return;
  const tty = !!process.env.TTY;
  writeText(2, diagnostics.map((d) => formatDiagnostic(d, { tty })).join(''));
}

async function check(loaded: Loaded): Promise<number> {
  const locators: Record<string, SourceLocator> = {};
  if (loaded.firewall.locator) locators.firewall = loaded.firewall.locator;
  if (loaded.helpers?.locator) locators.helpers = loaded.helpers.locator;
  // ajv and the schema compilation are only needed here, not for print
  const { checkFirewall, formatFinding } = await import('../lib/fw4/index.js');
  const findings = checkFirewall({ ...inputOf(loaded), locators });
  writeNotes(systemNotes(loaded.system, findings.map((f) => f.message)));
  writeText(2, findings.map(formatFinding).join(''));
  if (findings.length) return 1;
  writeText(1, 'fw4 check: no findings\n');
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h') {
    (command === undefined ? process.stderr : process.stdout).write(TOP);
    return command === undefined ? 1 : 0;
  }
  if (!(command in USAGE)) {
    process.stderr.write(`uci-fw4 fw4: unknown command '${command}'\n\n${TOP}`);
    return 1;
  }
  const o = options(rest, command as keyof typeof EXTRA);
  if (o === 'help') {
    process.stdout.write(USAGE[command]!);
    return 0;
  }
  if (typeof o === 'string') {
    process.stderr.write(`uci-fw4 fw4 ${command}: ${o}\n\n${USAGE[command]}`);
    return 1;
  }
  let loaded: Loaded;
  try {
    loaded = load(o, command === 'check');
  } catch (e) {
    if (e instanceof UciParseError) {
      // the message is already file:line:column: reason
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    if (e instanceof InputError) {
      process.stderr.write(`uci-fw4 fw4 ${command}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (command === 'check') return check(loaded);
  let result: Translation;
  try {
    result = translateFirewall(inputOf(loaded));
  } catch (e) {
    if (!(e instanceof Fw4RuntimeError)) throw e;
    writeNotes(systemNotes(loaded.system, e.diagnostics.map(diagnosticText)));
    // fw4 prints its warnings as it goes, so those before the crash are out when it stops
    writeWarnings(e.diagnostics);
    process.stderr.write(`${e.message}\n`);
    return e.exitCode;
  }
  const notes = systemNotes(loaded.system, result.diagnostics.map(diagnosticText), result.ruleset.zones);
  if (command === 'offload') return (await import('./fw4-offload.js')).runOffload(result, loaded.system, o.json, notes);
  writeNotes(notes);
  if (o.fix) {
    const { fixKernelRefusals, refusalContext } = await import('../lib/fw4/index.js');
    writeText(1, fixKernelRefusals(result.text, refusalContext(result.ruleset)).text);
  } else writeText(1, result.text);
  writeWarnings(result.diagnostics);
  return 0;
}
