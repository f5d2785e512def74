// Built-in migrations by name, loaded only when asked for.
import type { Migration } from '../types.js';

export const builtins: Record<string, () => Promise<Migration>> = {
  'fw4-compat': async () => (await import('./fw4-compat.js')).fw4Compat,
};
