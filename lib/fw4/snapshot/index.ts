export type { StatInfo, SystemSnapshot, SystemView } from './types.js';
export { SnapshotView, mockKey } from './view.js';
export { readMocksDir } from './mocks.js';
