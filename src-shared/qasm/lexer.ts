// Hand-written OpenQASM 2.0 lexer: one pass over the string with indices, no
// per-character regexes, so 100k-line files lex in milliseconds.

/** Any problem with a QASM source. `file:line:column: reason` in `message`. */
export class QasmError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The message without the location prefix. */
  readonly reason: string;

  constructor(file: string, line: number, column: number, reason: string) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'QasmError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

export type TokenKind = 'ident' | 'int' | 'real' | 'string' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text (for strings: the contents without quotes; for eof: ''). */
  text: string;
  line: number;
  column: number;
}

/** Human-readable name of a token for "found X" messages. */
export function describeToken(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  if (t.kind === 'string') return `"${t.text}"`;
  return `'${t.text}'`;
}

const enum Ch {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Quote = 34,
  Star = 42,
  Plus = 43,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  D0 = 48,
  D9 = 57,
  Eq = 61,
  Gt = 62,
  A = 65,
  Z = 90,
  Underscore = 95,
  a = 97,
  z = 122,
  E = 69,
  e = 101,
}

function isDigit(c: number): boolean {
  return c >= Ch.D0 && c <= Ch.D9;
}
function isIdentStart(c: number): boolean {
  return (c >= Ch.a && c <= Ch.z) || (c >= Ch.A && c <= Ch.Z) || c === Ch.Underscore;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

const SINGLE_PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ';', '+', '*', '/', '^']);

export class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly src: string,
    readonly file: string,
  ) {}

  error(line: number, column: number, reason: string): QasmError {
    return new QasmError(this.file, line, column, reason);
  }

  /** Skips whitespace and comments, keeping line bookkeeping. */
  private skipTrivia(): void {
    const s = this.src;
    const n = s.length;
    while (this.pos < n) {
      const c = s.charCodeAt(this.pos);
      if (c === Ch.LF) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (c === Ch.Space || c === Ch.Tab || c === Ch.CR || c === 12 || c === 11) {
        this.pos++;
      } else if (c === Ch.Slash && s.charCodeAt(this.pos + 1) === Ch.Slash) {
        const eol = s.indexOf('\n', this.pos);
        this.pos = eol < 0 ? n : eol;
      } else if (c === Ch.Slash && s.charCodeAt(this.pos + 1) === Ch.Star) {
        const line = this.line;
        const column = this.pos - this.lineStart + 1;
        const end = s.indexOf('*/', this.pos + 2);
        if (end < 0) throw this.error(line, column, "unterminated comment: expected '*/'");
        for (let i = this.pos; i < end; i++) {
          if (s.charCodeAt(i) === Ch.LF) {
            this.line++;
            this.lineStart = i + 1;
          }
        }
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  next(): Token {
    this.skipTrivia();
    const s = this.src;
    const start = this.pos;
    const line = this.line;
    const column = start - this.lineStart + 1;
    if (start >= s.length) return { kind: 'eof', text: '', line, column };
    const c = s.charCodeAt(start);

    if (isIdentStart(c)) {
      let i = start + 1;
      while (i < s.length && isIdentPart(s.charCodeAt(i))) i++;
      this.pos = i;
      return { kind: 'ident', text: s.slice(start, i), line, column };
    }

    if (isDigit(c) || (c === Ch.Dot && isDigit(s.charCodeAt(start + 1)))) {
      let i = start;
      let real = false;
      while (isDigit(s.charCodeAt(i))) i++;
      if (s.charCodeAt(i) === Ch.Dot) {
        real = true;
        i++;
        while (isDigit(s.charCodeAt(i))) i++;
      }
      const e = s.charCodeAt(i);
      if (e === Ch.e || e === Ch.E) {
        let j = i + 1;
        const sign = s.charCodeAt(j);
        if (sign === Ch.Plus || sign === Ch.Minus) j++;
        if (!isDigit(s.charCodeAt(j))) {
          throw this.error(line, column, `malformed number '${s.slice(start, j)}': expected exponent digits`);
        }
        while (isDigit(s.charCodeAt(j))) j++;
        i = j;
        real = true;
      }
      if (isIdentStart(s.charCodeAt(i))) {
        throw this.error(line, column, `malformed number '${s.slice(start, i + 1)}'`);
      }
      this.pos = i;
      return { kind: real ? 'real' : 'int', text: s.slice(start, i), line, column };
    }

    if (c === Ch.Quote) {
      let i = start + 1;
      while (i < s.length) {
        const d = s.charCodeAt(i);
        if (d === Ch.Quote || d === Ch.LF) break;
        i++;
      }
      if (s.charCodeAt(i) !== Ch.Quote) throw this.error(line, column, 'unterminated string: expected closing \'"\'');
      this.pos = i + 1;
      return { kind: 'string', text: s.slice(start + 1, i), line, column };
    }

    if (c === Ch.Minus && s.charCodeAt(start + 1) === Ch.Gt) {
      this.pos = start + 2;
      return { kind: 'punct', text: '->', line, column };
    }
    if (c === Ch.Eq && s.charCodeAt(start + 1) === Ch.Eq) {
      this.pos = start + 2;
      return { kind: 'punct', text: '==', line, column };
    }
    const ch = s[start];
    if (c === Ch.Minus || SINGLE_PUNCT.has(ch)) {
      this.pos = start + 1;
      return { kind: 'punct', text: ch, line, column };
    }
    const shown = c < 32 || c > 126 ? `U+${c.toString(16).toUpperCase().padStart(4, '0')}` : `'${ch}'`;
    throw this.error(line, column, `unexpected character ${shown}`);
  }
}
