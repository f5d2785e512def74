export type { StatInfo, SystemSnapshot, SystemView } from './types.js';
export { SnapshotView, mockKey } from './view.js';
export { readMocksDir } from './mocks.js';
export { LiveSystemView, LiveInputError, RecordingView, recordSnapshot, parseCommandLine } from './live.js';
export type { LiveOptions } from './live.js';
export type { DerivedFacts } from './types.js';
export { deriveSnapshot, derivedNotes, snapshotNotes, ASSUMED_KERNEL, ASSUMPTIONS } from './derive/index.js';
export type { DeriveInput } from './derive/index.js';
