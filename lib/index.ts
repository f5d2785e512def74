// Public API of uci-fw4. Each area re-exports its own public surface.
export * from './uci/index.js';
export * from './fw4/index.js';
export * from './migrate/index.js';
