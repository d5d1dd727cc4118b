/**
 * Stream framing for syslog over TCP/TLS (RFC 6587): octet-counting (`LEN SP MSG`, required by
 * RFC 5425 for TLS) and non-transparent framing (messages ended by LF, optionally CR LF or NUL).
 * The method is decided per frame from its first byte, as rsyslog does: a digit starts an
 * octet-counted frame, anything else a newline-terminated one.
 *
 * Oversized frames are skipped (octet-counted: exactly LEN bytes; newline: up to the next LF)
 * and reported through `onOversize`, so one bad sender frame never desynchronizes the stream
 * or grows memory.
 */

export interface FramerOptions {
  readonly maxFrameBytes: number;
  readonly onFrame: (frame: Buffer) => void;
  readonly onOversize: (declaredOrSeen: number) => void;
  readonly onMalformed: (reason: string) => void;
}

const LF = 0x0a;
const SP = 0x20;

export class SyslogFramer {
  readonly #opts: FramerOptions;
  #buf: Buffer = Buffer.alloc(0);
  /** Bytes still to discard from an oversized frame (octet-counted), or -1 for "until LF". */
  #skip = 0;

  constructor(opts: FramerOptions) {
    this.#opts = opts;
  }

  push(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    for (;;) {
      if (this.#skip !== 0 && !this.#discard()) return;
      if (this.#buf.length === 0) return;
      const first = this.#buf[0]!;
      if (first >= 0x30 && first <= 0x39) {
        if (!this.#octetCounted()) return;
      } else if (!this.#newline()) return;
    }
  }

  /** End of stream: a trailing newline-framed message without its LF still counts. */
  end(): void {
    if (this.#skip === 0 && this.#buf.length > 0) {
      const first = this.#buf[0]!;
      if (first >= 0x30 && first <= 0x39 && this.#buf.includes(SP)) {
        this.#opts.onMalformed('stream ended inside an octet-counted frame');
      } else {
        this.#emit(this.#buf);
      }
    }
    this.#buf = Buffer.alloc(0);
  }

  #discard(): boolean {
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, this.#buf.length);
      this.#buf = this.#buf.subarray(n);
      this.#skip -= n;
      return this.#skip === 0;
    }
    const lf = this.#buf.indexOf(LF);
    if (lf < 0) {
      this.#buf = Buffer.alloc(0);
      return false;
    }
    this.#buf = this.#buf.subarray(lf + 1);
    this.#skip = 0;
    return true;
  }

  #octetCounted(): boolean {
    const sp = this.#buf.indexOf(SP);
    if (sp < 0) {
      // A length longer than 10 digits can never be valid: resynchronize at the next LF.
      if (this.#buf.length > 10) return this.#badLength('length prefix longer than 10 digits');
      return false;
    }
    const digits = this.#buf.toString('latin1', 0, sp);
    if (!/^[1-9][0-9]{0,9}$/.test(digits))
      return this.#badLength(`bad octet count "${digits.slice(0, 12)}"`);
    const len = Number(digits);
    const start = sp + 1;
    if (len > this.#opts.maxFrameBytes) {
      this.#opts.onOversize(len);
      this.#buf = this.#buf.subarray(start);
      this.#skip = len;
      return true;
    }
    if (this.#buf.length < start + len) return false;
    this.#emit(this.#buf.subarray(start, start + len));
    this.#buf = this.#buf.subarray(start + len);
    return true;
  }

  #badLength(reason: string): boolean {
    this.#opts.onMalformed(reason);
    // Treat the rest of the line as garbage and continue after it.
    this.#skip = -1;
    return true;
  }

  #newline(): boolean {
    const lf = this.#buf.indexOf(LF);
    if (lf < 0) {
      if (this.#buf.length > this.#opts.maxFrameBytes) {
        this.#opts.onOversize(this.#buf.length);
        this.#buf = Buffer.alloc(0);
        this.#skip = -1;
      }
      return false;
    }
    if (lf > this.#opts.maxFrameBytes) {
      this.#opts.onOversize(lf);
    } else {
      let end = lf;
      if (end > 0 && this.#buf[end - 1] === 0x0d) end--;
      this.#emit(this.#buf.subarray(0, end));
    }
    this.#buf = this.#buf.subarray(lf + 1);
    return true;
  }

  #emit(frame: Buffer): void {
    // Trailing NUL terminators (some senders) and empty keep-alive lines are not messages.
    let end = frame.length;
    while (end > 0 && frame[end - 1] === 0) end--;
    if (end === 0) return;
    this.#opts.onFrame(Buffer.from(frame.subarray(0, end)));
  }
}
