#!/bin/sh
# One scenario (guest): client c, router r, server s and a dmz host d, joined to r by veth pairs
# whose router ends are lan, wan and dmz (test/vm/topology.ts holds the same addresses). The
# router loads the scenario's ruleset whole, then traffic.py sends the flows and reads back
# conntrack and the rule counters.
D=$1
for n in r c s d; do ip netns add $n; ip -n $n link set lo up; done
link() { # host-ns host-dev host-addr router-dev router-addr
  ip link add "$2" netns "$1" type veth peer name "$4" netns r
  ip -n "$1" addr add "$3/24" dev "$2"
  ip -n r addr add "$5/24" dev "$4"
  ip -n "$1" link set "$2" up
  ip -n r link set "$4" up
  ip -n "$1" route add default via "$5"
}
link c c0 10.1.0.2 lan 10.1.0.1
link s s0 10.2.0.2 wan 10.2.0.1
link d d0 10.3.0.2 dmz 10.3.0.1
ip netns exec r sysctl -qw net.ipv4.ip_forward=1 net.netfilter.nf_conntrack_acct=1
ip netns exec r nft -f "$D/ruleset.nft" 2>"$D/load.err"
echo $? >"$D/load.rc"
ip netns exec r nft -f "$D/observer.nft"
if [ -f "$D/probe.sh" ]; then
  ip netns exec r sh "$D/probe.sh"
  echo $? >"$D/probe.rc"
fi
dmesg -c >/dev/null
python3 /run/vm/traffic.py "$D" 2>"$D/traffic.err"
echo $? >"$D/traffic.rc"
dmesg >"$D/dmesg.txt"
for n in r c s d; do ip netns del $n; done
