// Plain data shapes shared by every layer above lib/uci (fw4, rpc, migrate).

/** An option's value: a scalar option or a list. */
export type OptionValue = string | string[];

/** One section as the rest of the product sees it, with staged changes applied. */
export interface UciSection {
  /** The section type (`config <type>`). */
  type: string;
  /** The name: the user's, or libuci's generated `cfgXXXXXX` for an anonymous section. */
  name: string;
  anonymous: boolean;
  /** Position among all sections of the package, from 0. */
  index: number;
  /** Options in file order. */
  options: Map<string, OptionValue>;
}

/** A package (one file in the confdir) as plain data. */
export interface UciPackage {
  name: string;
  sections: UciSection[];
}

/** One staged change, as `uci changes` lists it and the savedir stores it. */
export type UciChange =
  | { op: 'set'; package: string; section: string; option?: string; value: string }
  | { op: 'add'; package: string; section: string; value: string }
  | { op: 'delete'; package: string; section: string; option?: string; value?: string } // value: a list index
  | { op: 'rename'; package: string; section: string; option?: string; value: string }
  | { op: 'reorder'; package: string; section: string; value: string }
  | { op: 'list-add'; package: string; section: string; option: string; value: string }
  | { op: 'list-del'; package: string; section: string; option: string; value: string };
