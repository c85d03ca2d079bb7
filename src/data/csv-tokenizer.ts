/**
 * An incremental RFC 4180 CSV tokenizer: feed it text chunks, it calls back once per record with the
 * record's fields and the 1-based line the record starts on.
 *
 * - fields may be quoted; `""` inside quotes is one quote; quoted fields may hold delimiters and line breaks;
 * - records end with LF or CRLF (a CR before the LF is dropped);
 * - a byte-order mark at the very start is dropped; blank lines are skipped;
 * - a quote inside an unquoted field is kept literally; text after a closing quote is an error.
 *
 * Lines without a quote take a fast path (`indexOf` + `split`); the rest go through a small state machine.
 */

import { DataError } from '../errors.js';

/** Called once per record with its fields (a fresh array the callee may keep) and its 1-based start line. */
export type RecordHandler = (fields: string[], line: number) => void;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Incremental CSV tokenizer; see the module comment for the dialect. */
export class CsvTokenizer {
  private buf = '';
  /** Buffered length below which an incomplete record is not rescanned (keeps long records linear). */
  private wait = 0;
  private line = 1;
  private started = false;
  private readonly delimCode: number;

  /**
   * @param file the file name for error messages
   * @param delimiter one character
   * @param onRecord called once per record
   */
  constructor(
    private readonly file: string,
    private readonly delimiter: string,
    private readonly onRecord: RecordHandler,
  ) {
    this.delimCode = delimiter.charCodeAt(0);
  }

  /** Feeds the next chunk of text; complete records are handed to the callback before it returns. */
  push(text: string): void {
    this.buf = this.buf.length > 0 ? this.buf + text : text;
    if (this.buf.length < this.wait) return;
    this.scan(false);
  }

  /** Signals the end of the input: the last record may lack its line break. */
  end(): void {
    this.scan(true);
    this.buf = '';
  }

  private scan(final: boolean): void {
    let buf = this.buf;
    if (!this.started && buf.length > 0) {
      this.started = true;
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
    }
    const n = buf.length;
    const delimiter = this.delimiter;
    const onRecord = this.onRecord;
    let pos = 0;
    let nextQuote = buf.indexOf('"');
    let nextDelim = buf.indexOf(delimiter);
    while (pos < n) {
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = buf.indexOf('"', pos);
      const nl = buf.indexOf('\n', pos);
      if (nextQuote === -1 || (nl !== -1 && nl < nextQuote)) {
        // Fast path: the record is one line without quotes.
        let end: number;
        if (nl === -1) {
          if (!final) break;
          end = n;
        } else {
          end = nl;
        }
        if (end > pos && buf.charCodeAt(end - 1) === CR) end--;
        if (end > pos) {
          const fields: string[] = [];
          let start = pos;
          // `nextDelim` caches the next delimiter at or after `start` (-1: none left), so a file
          // with long delimiter-free stretches is not rescanned once per line.
          if (nextDelim !== -1 && nextDelim < start) nextDelim = buf.indexOf(delimiter, start);
          while (nextDelim !== -1 && nextDelim < end) {
            fields.push(buf.slice(start, nextDelim));
            start = nextDelim + 1;
            nextDelim = buf.indexOf(delimiter, start);
          }
          fields.push(buf.slice(start, end));
          onRecord(fields, this.line);
        }
        this.line++;
        pos = nl === -1 ? n : nl + 1;
        continue;
      }
      const next = this.quotedRecord(buf, pos, final);
      if (next === -1) break;
      pos = next;
    }
    this.buf = pos >= n ? '' : buf.slice(pos);
    // An incomplete record is rescanned only once the buffer has doubled.
    this.wait = 2 * this.buf.length;
  }

  /**
   * Tokenizes one record that contains a quote, starting at `pos`. Returns the position after the
   * record's line break, or -1 when the record is not complete yet (it is re-read with more text).
   */
  private quotedRecord(buf: string, pos: number, final: boolean): number {
    const n = buf.length;
    const delimCode = this.delimCode;
    const fields: string[] = [];
    let i = pos;
    for (;;) {
      if (i < n && buf.charCodeAt(i) === QUOTE) {
        const fieldLine = this.line + countLineBreaks(buf, pos, i);
        let value = '';
        let segment = i + 1;
        let j = segment;
        for (;;) {
          const q = buf.indexOf('"', j);
          if (q === -1) {
            if (!final) return -1;
            throw new DataError('a quoted field is never closed (missing closing quote)', {
              file: this.file,
              line: fieldLine,
            });
          }
          if (q + 1 >= n && !final) return -1;
          if (buf.charCodeAt(q + 1) === QUOTE) {
            value += buf.slice(segment, q + 1);
            j = q + 2;
            segment = j;
            continue;
          }
          value += buf.slice(segment, q);
          i = q + 1;
          break;
        }
        fields.push(value);
        if (i < n) {
          const c = buf.charCodeAt(i);
          if (c !== delimCode && c !== LF && c !== CR) {
            throw new DataError(
              `unexpected text after a closing quote: ${JSON.stringify(buf.slice(i, i + 20))} ` +
                '(a quote inside a quoted field must be doubled)',
              { file: this.file, line: this.line + countLineBreaks(buf, pos, i) },
            );
          }
        }
      } else {
        let j = i;
        while (j < n) {
          const c = buf.charCodeAt(j);
          if (c === delimCode || c === LF) break;
          j++;
        }
        if (j >= n && !final) return -1;
        let end = j;
        if (end > i && (j >= n || buf.charCodeAt(j) === LF) && buf.charCodeAt(end - 1) === CR) end--;
        fields.push(buf.slice(i, end));
        i = j;
      }
      // At a delimiter, a line break or the end of the input.
      if (i >= n) break;
      const c = buf.charCodeAt(i);
      if (c === delimCode) {
        i++;
        if (i >= n && !final) return -1;
        continue;
      }
      if (c === CR) {
        if (i + 1 >= n && !final) return -1;
        i++;
      }
      if (i < n && buf.charCodeAt(i) === LF) i++;
      break;
    }
    const line = this.line;
    this.line += countLineBreaks(buf, pos, i);
    if (i >= n && buf.charCodeAt(n - 1) !== LF) this.line++;
    this.onRecord(fields, line);
    return i;
  }
}

/** How many LF characters `buf` holds in `[from, to)`. */
function countLineBreaks(buf: string, from: number, to: number): number {
  let count = 0;
  let k = buf.indexOf('\n', from);
  while (k !== -1 && k < to) {
    count++;
    k = buf.indexOf('\n', k + 1);
  }
  return count;
}
