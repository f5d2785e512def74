// Public API of the UCI core.
export * from './types.js';
export { UciError, UciParseError, UCI_ERROR_NUMBER, UCI_ERROR_TEXT, type UciErrorCode } from './errors.js';
export { Document, type SourceText, type TextOptions } from './document.js';
export type { OptionNode, SectionNode } from './nodes.js';
export { LexError, Tokenizer } from './lexer.js';
export { parseDocument, type ParseOptions } from './parser.js';
export { canonicalBody, exportText } from './export.js';
export { exportUnchanged, getUnchanged, showUnchanged, type UnchangedShowOptions } from './form-read.js';
export { formatChange, getValue, showSectionLines, showText, showValue, type ShowOptions } from './show.js';
export { sectionRefs } from './section-refs.js';
export { Cursor, toChange, type CursorOptions, type LoadedPackage, type PackageSource } from './cursor.js';
export type { Delta, DeltaCommand } from './delta-types.js';
export { addSectionAs, editPointer, lookupPointer, UciPointer, type PointerEdit } from './pointer.js';
export { replaceFileAsync } from './files.js';
export { flockAvailable, lockFileAsync, lockFileSync, LOCK_TIMEOUT_MS, UciLockError, type HeldLock, type LockOptions } from './lock.js';
export { isPackageFileName, isValidName, isValidType, isValidPackage, isValidText, packageFile } from './names.js';
