// The job folder the guest works in: its scripts, the rulesets to load whole (accept/), and one
// folder per scenario with the ruleset `fw4 print` rendered, the flows, and counters to watch.
// The host renders everything (the CLI, as a user runs it); the guest only loads and observes.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fw4 } from '../helpers/cli.js';
import { hwOffloadProbe, type OffloadReport, type SystemSnapshot } from '../../lib/fw4/index.js';
import { deviceBatch } from '../fw4/kernel/netns.js';
import type { Flow, Scenario } from './scenarios.js';
import { HOSTS, ROUTER, routerSnapshot } from './topology.js';

const GUEST = fileURLToPath(new URL('./guest/', import.meta.url));

/** A ruleset to load whole in a fresh namespace holding `devices`. */
export interface AcceptJob {
  id: string;
  text: string;
  devices: string[];
}

export interface AcceptResult {
  accepted: boolean;
  errors: string;
  /** Guest seconds the load took (namespace, devices, nft -f). */
  seconds: number;
}

export interface PreparedScenario {
  scenario: Scenario;
  dir: string;
  ruleset: string;
  report: OffloadReport;
  /** The probe command fw4 runs before trusting hardware offload (when requested). */
  probe?: string;
}

function render(dir: string, firewall: string, snapshot: SystemSnapshot, command: string[]): string {
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(join(dir, 'config/firewall'), firewall);
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snapshot, null, 2));
  const r = fw4(...command, '--config', join(dir, 'config'), '--snapshot', join(dir, 'snapshot.json'));
  if (r.status !== 0) throw new Error(`fw4 ${command.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Counters in a table of their own, ahead of fw4's forward chain: every packet that reaches the hook. */
export function observerRuleset(flows: readonly Flow[]): string {
  const lines = flows.flatMap((f, i) => {
    const [orig, reply] = f.proto === 'icmp'
      ? ['icmp type echo-request', 'icmp type echo-reply']
      : [`meta l4proto ${f.proto} th dport ${f.serverPort}`, `meta l4proto ${f.proto} th sport ${f.serverPort}`];
    const addr = HOSTS[f.server];
    return [`\t\tip daddr ${addr} ${orig} counter comment "flow${i} original"`, `\t\tip saddr ${addr} ${reply} counter comment "flow${i} reply"`];
  });
  return `table inet vmobs {\n\tchain forward {\n\t\ttype filter hook forward priority -300; policy accept;\n${lines.join('\n')}\n\t}\n}\n`;
}

export function prepareScenario(job: string, scenario: Scenario): PreparedScenario {
  const dir = join(job, 'scenarios', scenario.name);
  const snapshot = routerSnapshot();
  const ruleset = render(dir, scenario.firewall, snapshot, ['print']);
  const report = JSON.parse(render(dir, scenario.firewall, snapshot, ['offload', '--json'])) as OffloadReport;
  writeFileSync(join(dir, 'ruleset.nft'), ruleset);
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(dir, 'observer.nft'), observerRuleset(scenario.flows));
  writeFileSync(join(dir, 'flows.json'), JSON.stringify({ router: ROUTER, flows: scenario.flows }, null, 2));
  let probe: string | undefined;
  if (report.requested.hardware) {
    probe = hwOffloadProbe(report.devices.map((d) => d.name));
    writeFileSync(join(dir, 'probe.sh'), `${probe}\n`);
  }
  return { scenario, dir, ruleset, report, ...(probe ? { probe } : {}) };
}

/**
 * What fw4 would render for a scenario had its probe passed (`flags offload`): written for the
 * guest to load like the corpus rulesets, to see whether the kernel takes it on veth devices.
 */
export function hardwareVariant(job: string, scenario: Scenario): string {
  const snapshot = routerSnapshot();
  snapshot.system = Object.fromEntries(Object.keys(snapshot.system ?? {}).map((cmd) => [cmd, 0]));
  return render(join(job, 'hardware', scenario.name), scenario.firewall, snapshot, ['print']);
}

/** An empty job folder holding the guest's scripts. */
export function freshJob(job: string): void {
  rmSync(job, { recursive: true, force: true });
  mkdirSync(join(job, 'accept'), { recursive: true });
  for (const f of ['run.sh', 'scenario.sh', 'traffic.py']) copyFileSync(join(GUEST, f), join(job, f));
}

/** Writes the rulesets to load into accept/ (identical loads once); returns each job's file. */
export function writeAcceptJobs(job: string, accept: readonly AcceptJob[]): Map<string, string> {
  const files = new Map<string, string>();
  const byContent = new Map<string, string>();
  for (const a of accept) {
    const key = `${a.devices.join(',')}\n${a.text}`;
    let file = byContent.get(key);
    if (!file) {
      file = String(byContent.size).padStart(4, '0');
      byContent.set(key, file);
      writeFileSync(join(job, 'accept', `${file}.nft`), a.text);
      writeFileSync(join(job, 'accept', `${file}.ip`), deviceBatch(a.devices));
    }
    files.set(a.id, file);
  }
  return files;
}

export function acceptResult(job: string, file: string): AcceptResult {
  const [rc, t0, t1] = readFileSync(join(job, 'accept', `${file}.rc`), 'utf8').trim().split(' ');
  const errors = readFileSync(join(job, 'accept', `${file}.err`), 'utf8').replaceAll(`/run/vm/accept/${file}.nft`, 'ruleset');
  return { accepted: rc === '0', errors, seconds: Number(t1) - Number(t0) };
}
