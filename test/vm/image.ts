// The guest image: Debian's kernel and busybox-static, fetched with `apt-get download` (never
// installed on this machine), unpacked with `dpkg -x`, and a small initramfs holding busybox, the
// virtio/9p modules and the guest's /init. Everything is kept in CACHE between runs.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CACHE = fileURLToPath(new URL('./.cache', import.meta.url));
const INIT = fileURLToPath(new URL('./guest/init.sh', import.meta.url));

/** Modules the initramfs loads before it can reach the host's root over virtio-9p. */
const BOOT_MODULES = ['virtio_pci', '9pnet_virtio', '9p'];

export interface GuestImage {
  /** The kernel's release (`uname -r` in the guest). */
  release: string;
  kernel: string;
  initrd: string;
  /** The unpacked modules tree (with modules.dep), read by the guest through the host root. */
  modules: string;
  /** The busybox binary the guest can also reach through the host root. */
  busybox: string;
}

// asynchronous: unpacking the kernel takes long enough that a blocked vitest worker loses its runner
async function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  try {
    return (await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 })).stdout;
  } catch (e) {
    const err = e as { code?: unknown; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed (${String(err.code)}): ${(err.stderr ?? err.message).trim()}`);
  }
}

/** Why the VM cannot run here (null: it can). */
export function vmUnavailable(): string | null {
  const qemu = spawnSync('qemu-system-x86_64', ['--version']);
  if (qemu.error || qemu.status !== 0) return 'qemu-system-x86_64 is not installed (.ci/run installs qemu-system-x86)';
  if (existsSync(join(CACHE, 'image.json'))) return null;
  for (const tool of ['apt-get', 'apt-cache', 'dpkg']) {
    const r = spawnSync(tool, ['--version']);
    if (r.error || r.status !== 0) return `${tool} is missing: the guest kernel comes from Debian's packages`;
  }
  return null;
}

/** The kernel package linux-image-amd64 points at in the apt index (6.1 on bookworm). */
async function kernelPackage(): Promise<string> {
  const deps = await run('apt-cache', ['depends', 'linux-image-amd64']);
  const m = /Depends: (linux-image-[0-9][\w.+-]*-amd64)\s/.exec(deps);
  if (!m?.[1]) throw new Error(`apt-cache depends linux-image-amd64 names no kernel package (run apt-get update):\n${deps}`);
  return m[1];
}

async function download(dir: string, pkg: string): Promise<string> {
  const found = () => readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (!found()) await run('apt-get', ['download', '-q', pkg], dir);
  const deb = found();
  if (!deb) throw new Error(`apt-get download ${pkg} left no .deb in ${dir}`);
  return join(dir, deb);
}

/** The modules.dep paths to insmod for `names`, each after its dependencies. */
function loadOrder(modulesDep: string, names: readonly string[]): string[] {
  const deps = new Map<string, string[]>();
  for (const line of modulesDep.split('\n')) {
    const [path, rest] = line.split(':');
    if (path && rest !== undefined) deps.set(path, rest.trim() ? rest.trim().split(/\s+/) : []);
  }
  const byName = (n: string) => [...deps.keys()].find((p) => p.endsWith(`/${n}.ko`));
  const out: string[] = [];
  for (const name of names) {
    const path = byName(name);
    if (!path) throw new Error(`module ${name} is not in modules.dep`);
    // modules.dep lists a module's dependencies nearest first: load them in reverse
    for (const p of [...[...(deps.get(path) ?? [])].reverse(), path]) if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** Where the modules the guest needs live: netfilter, 9p, veth, and what those depend on. */
const KEPT = /^kernel\/(net|lib|crypto|fs\/(9p|netfs|fscache))\/|^kernel\/drivers\/(net\/veth|virtio)\b/;

/**
 * Keeps only the guest's modules in modules.dep and modules.alias: busybox's modprobe reads both
 * whole on every load (the kernel's autoloader runs it for each nft expression), and under
 * emulation reading 1.8 MB of index took most of a ruleset's first load.
 */
function trimModuleIndex(dir: string): void {
  const dep = readFileSync(join(dir, 'modules.dep'), 'utf8').split('\n').filter((l) => KEPT.test(l));
  const kept = new Set(dep.map((l) => l.slice(l.lastIndexOf('/', l.indexOf(':')) + 1, l.indexOf('.ko:')).replaceAll('-', '_')));
  const alias = readFileSync(join(dir, 'modules.alias'), 'utf8').split('\n')
    .filter((l) => kept.has((l.split(' ')[2] ?? '').replaceAll('-', '_')));
  writeFileSync(join(dir, 'modules.dep'), dep.join('\n') + '\n');
  writeFileSync(join(dir, 'modules.alias'), alias.join('\n') + '\n');
  rmSync(join(dir, 'modules.symbols'), { force: true });
}

/** Bumped when the unpacked layout changes, so that an older cache is rebuilt. */
const LAYOUT = 2;

/** The kernel, modules and busybox, unpacked once into CACHE and reused. */
async function unpacked(): Promise<Omit<GuestImage, 'initrd'>> {
  const record = join(CACHE, 'image.json');
  if (existsSync(record)) {
    const image = JSON.parse(readFileSync(record, 'utf8')) as Omit<GuestImage, 'initrd'> & { layout?: number };
    if (image.layout === LAYOUT && [image.kernel, image.modules, image.busybox].every((p) => existsSync(p))) return image;
  }
  const debs = join(CACHE, 'debs');
  mkdirSync(debs, { recursive: true });
  const pkg = await kernelPackage();
  const release = pkg.replace(/^linux-image-/, '');
  const root = join(CACHE, 'root');
  const partial = `${root}.partial`;
  rmSync(partial, { recursive: true, force: true });
  await run('dpkg', ['-x', await download(debs, pkg), partial]);
  await run('dpkg', ['-x', await download(debs, 'busybox-static'), partial]);
  // the package's postinst would run depmod; busybox's depmod writes modules.dep and aliases
  await run(join(partial, 'bin/busybox'), ['depmod', '-b', partial, release]);
  trimModuleIndex(join(partial, 'lib/modules', release));
  rmSync(root, { recursive: true, force: true });
  renameSync(partial, root);
  const image = {
    layout: LAYOUT,
    release,
    kernel: join(root, 'boot', `vmlinuz-${release}`),
    modules: join(root, 'lib/modules', release),
    busybox: join(root, 'bin/busybox'),
  };
  writeFileSync(record, JSON.stringify(image, null, 2));
  return image;
}

/**
 * The guest image: the cached kernel, and an initramfs built anew each time (a second: it holds
 * busybox, /init from guest/init.sh and the virtio/9p modules, in load order).
 */
export async function guestImage(): Promise<GuestImage> {
  const image = await unpacked();
  const rd = join(CACHE, 'initramfs');
  rmSync(rd, { recursive: true, force: true });
  for (const d of ['bin', 'sbin', 'mods', 'host', 'proc', 'sys', 'dev', 'lib/modules']) mkdirSync(join(rd, d), { recursive: true });
  copyFileSync(image.busybox, join(rd, 'bin/busybox'));
  // the kernel's module autoloader runs /sbin/modprobe in the initramfs' root
  symlinkSync('/bin/busybox', join(rd, 'sbin/modprobe'));
  copyFileSync(INIT, join(rd, 'init'));
  chmodSync(join(rd, 'init'), 0o755);
  const order = loadOrder(readFileSync(join(image.modules, 'modules.dep'), 'utf8'), BOOT_MODULES);
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  for (const p of order) copyFileSync(join(image.modules, p), join(rd, 'mods', base(p)));
  writeFileSync(join(rd, 'mods/order'), order.map(base).join('\n') + '\n');
  const files = await run('find', ['.', '-mindepth', '1'], rd);
  const cpio = spawnSync(image.busybox, ['cpio', '-o', '-H', 'newc'], { cwd: rd, input: files, maxBuffer: 256 << 20 });
  if (cpio.status !== 0) throw new Error(`cpio: ${cpio.stderr.toString()}`);
  const initrd = join(CACHE, 'initrd.cpio');
  writeFileSync(initrd, cpio.stdout);
  return { ...image, initrd };
}
