// Runs `nft -c -f` inside a fresh network namespace, with the network devices a ruleset names,
// so that the kernel (not only nft's parser) judges the ruleset.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NFT = '/usr/sbin/nft';

// One fixed script; the batch and ruleset files arrive as positional arguments, never as text
// spliced into the script.
const IN_NETNS = 'if [ -s "$1" ]; then ip -batch "$1" >/dev/null || exit 90; fi; exec "$2" -c -f "$3"';

// IFNAMSIZ is 16 with the terminating NUL; `ip` tokenizes a batch line on blanks.
const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,14}$/;

export interface NftVerdict {
  accepted: boolean;
  /** nft's diagnostics (stderr), empty when accepted. */
  errors: string;
}

/** Why the harness cannot run here, or null when netns + nft are usable. */
export function netnsUnavailable(): string | null {
  const nft = spawnSync(NFT, ['--version'], { encoding: 'utf8' });
  if (nft.error || nft.status !== 0) return `${NFT} is not installed`;
  const probe = spawnSync('unshare', ['-n', NFT, '-c', 'add table inet probe'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `cannot create a network namespace (unshare -n): ${(probe.stderr || String(probe.error)).trim()}`;
  return null;
}

/** Whether `ip` can create veth pairs in a fresh namespace (devices are optional otherwise). */
export function vethAvailable(): boolean {
  const r = spawnSync('unshare', ['-n', 'ip', 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1']);
  return !r.error && r.status === 0;
}

/** Device names the harness can create; others (wildcards, too long) are left out. */
export function creatableDevices(names: Iterable<string>): string[] {
  return [...new Set(names)].filter((n) => DEVICE_NAME.test(n) && n !== 'lo').sort();
}

/** An `ip -batch` file creating a veth device for each name, each paired with a peer `kpN`. */
export function deviceBatch(devices: readonly string[]): string {
  const wanted = new Set(devices);
  const lines: string[] = [];
  let peer = 0;
  for (const name of devices) {
    if (!DEVICE_NAME.test(name)) throw new Error(`invalid device name ${JSON.stringify(name)}`);
    while (wanted.has(`kp${peer}`)) peer++;
    lines.push(`link add ${name} type veth peer name kp${peer++}`);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/**
 * Checks `ruleset` with `nft -c -f` in a new network namespace holding a veth device for each
 * name in `devices` (each paired with an unnamed-looking peer `kpN`).
 */
export function nftCheck(ruleset: string, devices: readonly string[] = []): NftVerdict {
  const dir = mkdtempSync(join(tmpdir(), 'uci-fw4-kernel-'));
  try {
    writeFileSync(join(dir, 'devices.ip'), deviceBatch(devices));
    writeFileSync(join(dir, 'ruleset.nft'), ruleset);
    const r = spawnSync('unshare', ['-n', 'sh', '-c', IN_NETNS, 'sh', join(dir, 'devices.ip'), NFT, join(dir, 'ruleset.nft')], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (r.error) throw r.error;
    if (r.status === 90) throw new Error(`could not create devices ${devices.join(', ')}`);
    return { accepted: r.status === 0, errors: r.status === 0 ? '' : r.stderr.replaceAll(join(dir, 'ruleset.nft'), 'ruleset') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
