// fw4's named ICMP types ([type, code_min, code_max]) and DSCP classes (fw4.uc L14-193).

type IcmpEntry = readonly [number, number, number];

export const ICMP4_TYPES: Readonly<Record<string, IcmpEntry>> = {
  'any': [0xff, 0, 0xff], 'echo-reply': [0, 0, 0xff], 'pong': [0, 0, 0xff],
  'destination-unreachable': [3, 0, 0xff], 'network-unreachable': [3, 0, 0], 'host-unreachable': [3, 1, 1],
  'protocol-unreachable': [3, 2, 2], 'port-unreachable': [3, 3, 3], 'fragmentation-needed': [3, 4, 4],
  'source-route-failed': [3, 5, 5], 'network-unknown': [3, 6, 6], 'host-unknown': [3, 7, 7],
  'network-prohibited': [3, 9, 9], 'host-prohibited': [3, 10, 10], 'TOS-network-unreachable': [3, 11, 11],
  'TOS-host-unreachable': [3, 12, 12], 'communication-prohibited': [3, 13, 13],
  'host-precedence-violation': [3, 14, 14], 'precedence-cutoff': [3, 15, 15],
  'source-quench': [4, 0, 0xff], 'redirect': [5, 0, 0xff], 'network-redirect': [5, 0, 0],
  'host-redirect': [5, 1, 1], 'TOS-network-redirect': [5, 2, 2], 'TOS-host-redirect': [5, 3, 3],
  'echo-request': [8, 0, 0xff], 'ping': [8, 0, 0xff], 'router-advertisement': [9, 0, 0xff],
  'router-solicitation': [10, 0, 0xff], 'time-exceeded': [11, 0, 0xff], 'ttl-exceeded': [11, 0, 0xff],
  'ttl-zero-during-transit': [11, 0, 0], 'ttl-zero-during-reassembly': [11, 1, 1],
  'parameter-problem': [12, 0, 0xff], 'ip-header-bad': [12, 0, 0], 'required-option-missing': [12, 1, 1],
  'timestamp-request': [13, 0, 0xff], 'timestamp-reply': [14, 0, 0xff],
  'address-mask-request': [17, 0, 0xff], 'address-mask-reply': [18, 0, 0xff],
};

export const ICMP6_TYPES: Readonly<Record<string, IcmpEntry>> = {
  'destination-unreachable': [1, 0, 0xff], 'no-route': [1, 0, 0], 'communication-prohibited': [1, 1, 1],
  'address-unreachable': [1, 3, 3], 'port-unreachable': [1, 4, 4], 'packet-too-big': [2, 0, 0xff],
  'time-exceeded': [3, 0, 0xff], 'ttl-exceeded': [3, 0, 0xff], 'ttl-zero-during-transit': [3, 0, 0],
  'ttl-zero-during-reassembly': [3, 1, 1], 'parameter-problem': [4, 0, 0xff], 'bad-header': [4, 0, 0],
  'unknown-header-type': [4, 1, 1], 'unknown-option': [4, 2, 2], 'echo-request': [128, 0, 0xff],
  'ping': [128, 0, 0xff], 'echo-reply': [129, 0, 0xff], 'pong': [129, 0, 0xff],
  'multicast-listener-query': [130, 0, 0xff], 'multicast-listener-report': [131, 0, 0xff],
  'multicast-listener-done': [132, 0, 0xff], 'router-solicitation': [133, 0, 0xff],
  'router-advertisement': [134, 0, 0xff], 'neighbour-solicitation': [135, 0, 0xff],
  'neighbor-solicitation': [135, 0, 0xff], 'neighbour-advertisement': [136, 0, 0xff],
  'neighbor-advertisement': [136, 0, 0xff], 'redirect': [137, 0, 0xff], 'router-renumbering': [138, 0, 0xff],
  'node-info-query': [139, 0, 0xff], 'node-info-response': [140, 0, 0xff],
  'inverse-neighbour-discovery-solicitation-message': [141, 0, 0xff],
  'inverse-neighbor-discovery-solicitation-message': [141, 0, 0xff],
  'inverse-neighbour-discovery-advertisement-message': [142, 0, 0xff],
  'inverse-neighbor-discovery-advertisement-message': [142, 0, 0xff],
  'v2-multicast-listener-report': [143, 0, 0xff],
  'home-agent-address-discovery-request-message': [144, 0, 0xff],
  'home-agent-address-discovery-reply-message': [145, 0, 0xff],
  'mobile-prefix-solicitation': [146, 0, 0xff], 'mobile-prefix-advertisement': [147, 0, 0xff],
  'certification-path-solicitation-message': [148, 0, 0xff],
  'certification-path-advertisement-message': [149, 0, 0xff], 'seamoby-protocol-message': [150, 0, 0xff],
  'multicast-router-advertisement': [151, 0, 0xff], 'multicast-router-solicitation': [152, 0, 0xff],
  'multicast-router-termination': [153, 0, 0xff], 'fmipv6-message': [154, 0, 0xff],
  'rpl-control-message': [155, 0, 0xff], 'ilnpv6-locator-update-message': [156, 0, 0xff],
  'duplicate-address-request': [157, 0, 0xff], 'duplicate-address-confirmation': [158, 0, 0xff],
  'mpl-control-message': [159, 0, 0xff], 'extended-echo-request': [160, 0, 0xff],
  'extended-ping': [160, 0, 0xff], 'extended-echo-reply': [161, 0, 0xff], 'extended-pong': [161, 0, 0xff],
};

export const DSCP_CLASSES: Readonly<Record<string, number>> = {
  CS0: 0x00, CS1: 0x08, CS2: 0x10, CS3: 0x18, CS4: 0x20, CS5: 0x28, CS6: 0x30, CS7: 0x38,
  BE: 0x00, LE: 0x01, AF11: 0x0a, AF12: 0x0c, AF13: 0x0e, AF21: 0x12, AF22: 0x14, AF23: 0x16,
  AF31: 0x1a, AF32: 0x1c, AF33: 0x1e, AF41: 0x22, AF42: 0x24, AF43: 0x26, EF: 0x2e,
};

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
