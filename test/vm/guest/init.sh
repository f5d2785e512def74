#!/bin/busybox sh
# The guest's /init (test/vm/image.ts puts it into the initramfs). The host's root arrives
# read-only over virtio-9p (tag hostroot), the job folder writable (tag job). Kernel command line
# values come as variables: MODDIR (the unpacked modules tree, a host path), MODULES (to load).
B=/bin/busybox
$B mount -t proc proc /proc
$B mount -t sysfs sys /sys
$B mount -t devtmpfs dev /dev
for m in $($B cat /mods/order); do $B insmod /mods/$m || echo "vm: insmod $m failed"; done
$B mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /host || echo "vm: no host root"
# modprobe (ours, and the kernel's autoloader) finds the modules at their usual place
$B ln -s "/host$MODDIR" "/lib/modules/$($B uname -r)"
# libcrc32c needs a crc32c implementation (a soft dependency busybox's modprobe does not follow)
for m in crc32c_generic $(echo "$MODULES" | $B tr , ' '); do $B modprobe "$m" || echo "vm: modprobe $m failed"; done
for d in proc sys dev; do $B mount --bind "/$d" "/host/$d"; done
$B mount -t tmpfs tmp /host/tmp
$B mount -t tmpfs run /host/run
$B mkdir /host/run/vm
$B mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 job /host/run/vm || echo "vm: no job folder"
$B chroot /host /bin/sh /run/vm/run.sh > /host/run/vm/guest.log 2>&1
echo "vm: guest exited $? after $($B cut -d' ' -f1 /proc/uptime)s"
$B sync
$B poweroff -f
