#!/bin/sh
# The guest's main script (runs chrooted into the host's read-only root; /run/vm is the job
# folder, shared writable with the host). Part 1 loads every ruleset of accept/ whole, each in a
# fresh network namespace holding the devices it names; part 2 runs each scenario of scenarios/.
J=/run/vm
# log statements in namespaces other than the first one are dropped unless this is set
sysctl -qw net.netfilter.nf_log_all_netns=1
start=$(cut -d' ' -f1 /proc/uptime)
for f in "$J"/accept/*.nft; do
  [ -e "$f" ] || continue
  b=${f%.nft}
  t0=$(cut -d' ' -f1 /proc/uptime)
  unshare -n sh -c 'if [ -s "$1" ]; then ip -batch "$1" >/dev/null || exit 90; fi; exec nft -f "$2"' \
    sh "$b.ip" "$f" >/dev/null 2>"$b.err"
  rc=$?
  echo "$rc $t0 $(cut -d' ' -f1 /proc/uptime)" >"$b.rc"
done
loaded=$(cut -d' ' -f1 /proc/uptime)
for d in "$J"/scenarios/*/; do
  [ -d "$d" ] && sh "$J/scenario.sh" "${d%/}"
done
echo "accept $start $loaded scenarios $loaded $(cut -d' ' -f1 /proc/uptime)" >"$J/timing"
