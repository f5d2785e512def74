// One staged change as libuci records it (uci_delta): a command, the section's real name, an
// optional option and an optional value.

export type DeltaCommand = 'add' | 'remove' | 'change' | 'rename' | 'reorder' | 'list-add' | 'list-del';

export interface Delta {
  cmd: DeltaCommand;
  section: string;
  option?: string;
  value?: string;
}

export type DeltaLog = (d: Delta) => void;
