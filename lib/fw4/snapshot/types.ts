// The system snapshot: everything fw4 reads from the machine besides its UCI configs.
//
// The JSON format (`uci-fw4-snapshot/1`) keeps each input under the path or call fw4 uses,
// so one snapshot can be recorded on a router (live provider) and replayed anywhere:
//
//   {
//     "format": "uci-fw4-snapshot/1",
//     "ubus":    { "network.interface~dump": {…}, "service~get_data~type-firewall": {…} },
//     "files":   { "/proc/version": "Linux version 5.10…", "/sys/class/net/eth0/uevent": "…" },
//     "stat":    { "/sys/module/nf_conntrack_rtsp": null },      // null: does not exist
//     "dirs":    { "/sys/class/net/br-lan": ["lower_eth0"] },
//     "globs":   { "/usr/share/nftables.d/ruleset-post/*.nft": [] },
//     "commands":{ "/usr/sbin/nft --terse --json list flowtables inet": "{…}" },
//     "system":  { "<command line>": 0 },
//     "missingStat": "absent" | "exists",   // a path without a stat entry (default "absent")
//     "systemDefault": 0,                    // exit status of a command without an entry
//     "time": 1615382640,
//     "derived": { … }                       // only in a snapshot derived from a network config
//   }
//
// ubus keys are `OBJECT~METHOD` followed by `~ARG-VALUE` for each argument, as in fw4's test
// mocks. Paths are matched the way fw4's test harness names its mocks: each run of characters
// outside [A-Za-z0-9_-] counts as one `_`, so a mocks folder and a JSON snapshot are
// interchangeable.

export interface StatInfo {
  type: 'file' | 'directory' | 'link' | 'other';
  [field: string]: unknown;
}

export interface SystemSnapshot {
  format?: 'uci-fw4-snapshot/1';
  ubus?: Record<string, unknown>;
  files?: Record<string, string>;
  stat?: Record<string, StatInfo | null>;
  dirs?: Record<string, string[]>;
  globs?: Record<string, string[]>;
  commands?: Record<string, string>;
  system?: Record<string, number>;
  missingStat?: 'absent' | 'exists';
  systemDefault?: number;
  time?: number;
  /** What `derive` assumed and left to run time; fw4 never reads it (see DerivedFacts). */
  derived?: DerivedFacts;
}

/** What a snapshot derived from a network config could not know, so that nothing is silently invented. */
export interface DerivedFacts {
  /** The files it was derived from (`network`, `wireless`). */
  from: string[];
  /** Each thing taken for granted, one sentence each. */
  assumptions: string[];
  /** Per interface, why some of its addresses exist only at run time. */
  runtime: Record<string, string[]>;
  /** Values of the network config left out, naming package.section.option and the value. */
  problems: string[];
}

/** What the translator asks of the system; implemented over a snapshot (or a live router). */
export interface SystemView {
  /** Reply of `ubus call OBJECT METHOD ARGS`, or null when there is none. */
  ubus(object: string, method: string, args?: Record<string, string>): unknown;
  /** Content of a file, or null when it cannot be opened. */
  readFile(path: string): string | null;
  /** stat of a path, or null when it does not exist. */
  stat(path: string): StatInfo | null;
  /** Names in a directory (empty when missing). */
  listDir(path: string): string[];
  /** Names in a directory, or null when it cannot be opened (fw4's fs.opendir). */
  openDir(path: string): string[] | null;
  /** Whether a path is accessible (fw4's fs.access). */
  access(path: string): boolean;
  /** Target of a symbolic link, or null when the path is not one. */
  readlink(path: string): string | null;
  /** Paths matching a glob pattern. */
  glob(pattern: string): string[];
  /** stdout of a command run through a pipe, or null when it cannot run. */
  commandOutput(cmdline: string): string | null;
  /** Exit status of a command run for its effect (fw4's hardware-offload probe). */
  system(cmdline: string): number;
  /** The clock, in seconds since the epoch. */
  now(): number;
}
