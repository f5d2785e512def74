export { findKernelRefusals, sectionLabel, COMMENT_MAX_BYTES, DEVICE_NAME_MAX_BYTES } from './refusals.js';
export type { KernelRefusal, RefusalContext, RefusalKind } from './refusals.js';
export { fixKernelRefusals } from './fix.js';
export type { FixResult } from './fix.js';
export { renderedRules } from './rules.js';
export type { RenderedRule } from './rules.js';
export { refusalContext } from './context.js';
