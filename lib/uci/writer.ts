// Layout-preserving text of a Document: every statement line whose items did not change is
// written byte for byte with the comments and blank lines above it; changed items are written
// in libuci's style where they stood (keeping a comment at the end of a one-statement line),
// new options after the last line of their section, new sections at the end (before trailing
// comments). Without a source, or when asked, it is libuci's exact commit text.

import type { Document, SourceText } from './document.js';
import { canonicalBody, optionLines, sectionHeader } from './export.js';
import { NoopRef, OptionNode, SectionNode, type Segment, type SegmentRef } from './nodes.js';

const live = (r: SegmentRef): boolean =>
  r instanceof SectionNode ? !r.deleted : r instanceof OptionNode ? !r.deleted && !r.section.deleted : !r.section.deleted;

const clean = (r: SegmentRef): boolean =>
  live(r) && (r instanceof SectionNode ? !r.headerChanged : r instanceof OptionNode ? !r.changed : true);

const ownerOf = (r: SegmentRef): SectionNode => (r instanceof SectionNode ? r : r.section);

/** An option commented out where it stood (Document.commentOut) whose section is still there. */
const commented = (r: SegmentRef): r is OptionNode => r instanceof OptionNode && r.commentedOut !== null && !r.section.deleted;

export function renderText(doc: Document, keepComments: boolean, names: boolean): string {
  const src = doc.source;
  if (!keepComments || !src) return canonicalBody(doc, names);
  const { text, segments } = src;

  // items that must be rewritten: changed ones, and every item sharing a line with one
  const regen = new Set<SegmentRef>();
  const broken = (seg: Segment): boolean => seg.refs.some((r) => regen.has(r) || !clean(r));
  for (let grew = true; grew; ) {
    grew = false;
    for (const seg of segments) {
      if (!broken(seg)) continue;
      for (const r of seg.refs) {
        if (!(r instanceof NoopRef) && live(r) && !regen.has(r)) {
          regen.add(r);
          grew = true;
        }
      }
    }
  }
  const original = doc.sections.filter((s) => s.segs !== null);
  const inOrder = original.every((s, i) => i === 0 || original[i - 1]!.origIndex < s.origIndex);
  const changed = !inOrder || regen.size > 0
    || doc.sections.some((s) => s.segs === null || s.options.some((o) => o.segs === null))
    || segments.some((seg) => seg.refs.some((r) => !live(r)));
  if (!changed) return text;
  if (segments.some((seg) => seg.refs.some((r) => ownerOf(r) !== ownerOf(seg.refs[0]!)))) {
    // a line shared by two sections (`config a; config b`): no faithful way to split it
    return canonicalBody(doc, names);
  }

  const out: string[] = [text.slice(0, src.headEnd)];
  let last = src.headEnd;
  const emit = (s: string): void => {
    const prev = out[out.length - 1]!;
    if (prev.length > 0 && prev.charCodeAt(prev.length - 1) !== 10) out.push('\n');
    out.push(s);
  };
  const emitSegment = (seg: Segment, headerDone: Set<SectionNode>): void => {
    if (!broken(seg)) {
      out.push(text.slice(seg.start, seg.end));
      return;
    }
    if (seg.refs.some((r) => live(r) || commented(r))) out.push(text.slice(seg.start, seg.body));
    // a statement alone on its line keeps the comment after it
    const note = seg.refs.length === 1 ? trailingComment(text, seg.body, seg.end) : '';
    for (const r of seg.refs) {
      if (r instanceof SectionNode) {
        if (live(r) && !headerDone.has(r)) emit(withNote(sectionHeader(r.type, r.name, r.anonymous, names), note));
        headerDone.add(r);
      } else if (r instanceof OptionNode && live(r) && r.segs![0] === seg) {
        emit(typeof r.value === 'string' ? withNote(optionLines(r.name, r.value), note) : optionLines(r.name, r.value));
      } else if (commented(r) && r.segs![0] === seg) {
        emit(r.commentedOut!);
      }
    }
  };
  const newOptions = (s: SectionNode): void => {
    for (const o of s.options) if (o.segs === null) emit(optionLines(o.name, o.value));
  };

  const splitRetyped = original.some((s) => s.segs!.length > 1 && regen.has(s));
  // a new section moved before an original one (LuCI's save: add, then order) needs the ordered path
  const newLast = doc.sections.every((s, i) => s.segs !== null || doc.sections.slice(i).every((x) => x.segs === null));
  const headerDone = new Set<SectionNode>();
  if (inOrder && newLast && !splitRetyped) {
    const lastSeg = new Map<SectionNode, Segment>();
    for (const seg of segments) lastSeg.set(ownerOf(seg.refs[0]!), seg);
    for (const seg of segments) {
      emitSegment(seg, headerDone);
      const s = ownerOf(seg.refs[0]!);
      if (lastSeg.get(s) === seg && live(s)) newOptions(s);
      last = seg.end;
    }
    for (const s of doc.sections) if (s.segs === null) emitNewSection(s);
  } else {
    const bySection = new Map<SectionNode, Segment[]>();
    for (const seg of segments) {
      const s = ownerOf(seg.refs[0]!);
      const list = bySection.get(s);
      if (list) list.push(seg);
      else bySection.set(s, [seg]);
      last = seg.end;
    }
    for (const s of doc.sections) {
      if (s.segs === null) {
        emitNewSection(s);
        continue;
      }
      for (const seg of bySection.get(s) ?? []) emitSegment(seg, headerDone);
      newOptions(s);
    }
  }
  const tail = text.slice(last);
  if (tail.length > 0) emit(tail);
  return out.join('');

  function emitNewSection(s: SectionNode): void {
    emit('\n' + sectionHeader(s.type, s.name, s.anonymous, names));
    for (const o of s.options) emit(optionLines(o.name, o.value));
  }
}

/** A one-line statement's trailing comment with the blanks before it (`   # note`), or ''. */
function trailingComment(text: string, start: number, end: number): string {
  const eol = text.indexOf('\n', start);
  const stop = eol < 0 ? text.length : eol;
  if (stop < end - 1) return ''; // continued on another line
  // libuci's lexer: quotes hide `#`, a backslash escapes the next character, `#` elsewhere starts a comment
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 39) {
      i = text.indexOf("'", i + 1);
      if (i < 0 || i >= stop) return '';
    } else if (c === 34) {
      for (i++; i < stop && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      if (i >= stop) return '';
    } else if (c === 92) {
      i++;
    } else if (c === 59) {
      return ''; // more than one statement
    } else if (c === 35) {
      let from = i;
      while (from > start && (text.charCodeAt(from - 1) === 32 || text.charCodeAt(from - 1) === 9)) from--;
      return text.slice(from, stop);
    }
  }
  return '';
}

/**
 * The lines Document.commentOut leaves: `# <note>`, then the option's statement commented out,
 * as written when it stood alone and unchanged on lines of its own, else in libuci's form.
 */
export function commentedOut(source: SourceText | null, o: OptionNode, note: string): string {
  let lines = optionLines(o.name, o.value);
  const seg = o.segs?.length === 1 ? o.segs[0]! : undefined;
  if (source && seg && seg.refs.length === 1 && !o.changed) {
    const written = source.text.slice(seg.body, seg.end);
    // as many lines as its libuci form: no continuation lines, which commented out would read differently
    if (written.endsWith('\n') && written.split('\n').length === lines.split('\n').length) lines = written;
  }
  const body = lines.slice(0, -1).split('\n').map((l) => (l.startsWith('\t') ? `\t# ${l.slice(1)}` : `# ${l}`));
  return `\t# ${note}\n${body.join('\n')}\n`;
}

function withNote(line: string, note: string): string {
  return note === '' ? line : `${line.slice(0, -1)}${note}\n`;
}
