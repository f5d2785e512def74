// Boots the guest once under QEMU's software emulation: the host's root read-only over
// virtio-9p, a job folder writable, no network card. The guest runs the job folder's run.sh and
// powers off; what it observed stays in the job folder.
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GuestImage } from './image.js';

/** Loaded before run.sh starts; others come on demand through the kernel's autoloader. */
export const GUEST_MODULES = [
  'veth', 'nf_flow_table_inet', 'nft_flow_offload', 'nf_conntrack_netlink', 'nf_conntrack_ftp', 'nf_log_syslog',
];

export interface Boot {
  /** Wall-clock seconds from starting QEMU to its exit. */
  seconds: number;
  /** The serial console (kernel messages, init's own lines). */
  console: string;
  /** run.sh's output (guest.log in the job folder). */
  log: string;
}

/** One boot; resolves when the guest powered off, rejects on a timeout or a QEMU failure. */
export function bootGuest(image: GuestImage, job: string, timeoutMs: number): Promise<Boot> {
  const started = Date.now();
  const args = [
    // /dev/kvm exists on these machines but cannot boot a stock kernel: emulate
    '-accel', 'tcg', '-smp', '1', '-m', '1024',
    '-nographic', '-no-reboot', '-nic', 'none',
    '-kernel', image.kernel, '-initrd', image.initrd,
    '-append', `console=ttyS0 quiet panic=-1 MODDIR=${image.modules} MODULES=${GUEST_MODULES.join(',')}`,
    '-fsdev', 'local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap',
    '-device', 'virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot',
    '-fsdev', `local,id=job,path=${job},security_model=none`,
    '-device', 'virtio-9p-pci,fsdev=job,mount_tag=job',
  ];
  return new Promise((resolve, reject) => {
    const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let console = '';
    qemu.stdout.on('data', (d: Buffer) => { console += d.toString(); });
    qemu.stderr.on('data', (d: Buffer) => { console += d.toString(); });
    const timer = setTimeout(() => qemu.kill('SIGKILL'), timeoutMs);
    qemu.on('error', (e) => { clearTimeout(timer); reject(e); });
    qemu.on('close', (code, signal) => {
      clearTimeout(timer);
      const log = existsSync(join(job, 'guest.log')) ? readFileSync(join(job, 'guest.log'), 'utf8') : '';
      const seconds = (Date.now() - started) / 1000;
      if (signal) reject(new Error(`the guest did not power off within ${timeoutMs / 1000}s\n${console.slice(-3000)}\n${log.slice(-3000)}`));
      else if (code !== 0) reject(new Error(`qemu exited ${code}\n${console.slice(-3000)}`));
      else resolve({ seconds, console, log });
    });
  });
}
