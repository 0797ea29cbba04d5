/**
 * One line at the bottom of a terminal that is redrawn in place (a
 * spinner), with every other text printed above it: each write clears the
 * line, writes, and draws it again. Only for a TTY; elsewhere plain lines
 * are printed instead.
 */
export class StatusLine {
  readonly #write: (text: string) => void;
  #shown = '';

  constructor(write: (text: string) => void) {
    this.#write = write;
  }

  /** Prints `text` (whole lines) above the status line. */
  print(text: string): void {
    if (!this.#shown) {
      this.#write(text);
      return;
    }
    this.#write(`${CLEAR}${text}${this.#shown}`);
  }

  /** Shows `text` as the status line; `''` removes it. */
  show(text: string): void {
    if (text === this.#shown) return;
    this.#write(`${CLEAR}${text}`);
    this.#shown = text;
  }
}

/** Carriage return and "erase the whole line" (ECMA-48 EL 2). */
const CLEAR = '\r\u001b[2K';
