// Public API of the UCI core.
export * from './types.js';
export { UciError, UciParseError, type UciErrorCode } from './errors.js';
export { Document, type SourceText, type TextOptions } from './document.js';
export { parseDocument, type ParseOptions } from './parser.js';
export { exportText } from './export.js';
export { formatChange, showText, type ShowOptions } from './show.js';
export { sectionRefs } from './section-refs.js';
export { Cursor, type CursorOptions } from './cursor.js';
export { replaceFileAsync } from './files.js';
export { flockAvailable, lockFileAsync, lockFileSync, LOCK_TIMEOUT_MS, UciLockError, type HeldLock, type LockOptions } from './lock.js';
export { isValidName, isValidType, isValidPackage, isValidText } from './names.js';
