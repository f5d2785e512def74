// The offload report: what fw4's flowtable takes, per zone pair, and what stops working once
// a flow leaves the firewall's slow path. Plain data, so that `--json` prints it as it is.

export type OffloadMode = 'none' | 'software' | 'hardware';

/** Every reason the report can give; kinds.ts documents when each one is raised. */
export type FindingKind =
  | 'device-not-in-flowtable'
  | 'hw-fallback'
  | 'not-tcp-udp'
  | 'conntrack-helper'
  | 'nat-port-mapping'
  | 'per-packet-statement'
  | 'mangle-after-offload'
  | 'bridge-isolation'
  | 'ipsec'
  | 'notrack'
  | 'include-on-offloaded-path'
  | 'offload-option-ignored';

export interface OffloadFinding {
  /** fw4's section reference: `@rule[3]`, `@zone[1]`, a named section's name, or an include's path. */
  section: string;
  /** The section's `name` option (a zone's name), when it has one. */
  name?: string;
  kind: FindingKind;
  /** What the user will observe, in plain words. */
  message: string;
  /** A change that would help, when there is one (often uci-fw4's `option offload '0'`). */
  suggestion?: string;
}

export interface OffloadPath {
  /** Source zone name. */
  src: string;
  /** Destination zone name. */
  dest: string;
  offload: OffloadMode;
  /** Why the path is not offloaded, or what stays on the slow path although it is. */
  reasons: string[];
}

export interface OffloadDevice {
  name: string;
  /** Zones whose networks put this device into the flowtable. */
  zones: string[];
  /**
   * Whether the device accepts `flags offload` on its own (fw4's `nft -c` probe for this one
   * device, as the snapshot records it); absent when hardware offloading was not requested.
   */
  hardwareCapable?: boolean;
}

export interface OffloadRequest {
  /** defaults `flow_offloading`. */
  software: boolean;
  /** defaults `flow_offloading_hw`. */
  hardware: boolean;
  /** Sections carrying uci-fw4's `offload` option (extension), as `@rule[3]`-style references. */
  selective: { section: string; name?: string; offload: boolean }[];
}

export interface OffloadReport {
  /** What the rendered ruleset does: no flowtable, a software one, or one with `flags offload`. */
  mode: OffloadMode;
  requested: OffloadRequest;
  /** The flowtable's devices, in fw4's order. */
  devices: OffloadDevice[];
  /** Why hardware offloading fell back to software, when it did. */
  fallback?: string;
  paths: OffloadPath[];
  findings: OffloadFinding[];
  /** What the system was taken to be (a system derived from the network config), as notes. */
  notes?: string[];
}
