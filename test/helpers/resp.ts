/**
 * A small RESP client for tests: sends commands as multibulk (or raw bytes) and reads
 * replies either parsed or as the exact bytes the server wrote, so replies can be compared
 * byte for byte with a real redis-server.
 */

import net from 'node:net';

export class ErrorReply {
  constructor(readonly message: string) {}
  toString(): string {
    return this.message;
  }
}

export type RespValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | ErrorReply
  | RespValue[]
  | Map<RespValue, RespValue>;

/** Parses one reply from text at pos; returns [value, nextPos] or null when incomplete. */
export function parseReply(s: string, pos: number): [RespValue, number] | null {
  const eol = s.indexOf('\r\n', pos);
  if (eol < 0) return null;
  const type = s[pos]!;
  const line = s.slice(pos + 1, eol);
  const after = eol + 2;
  switch (type) {
    case '+':
      return [line, after];
    case '-':
      return [new ErrorReply(line), after];
    case ':': {
      const n = BigInt(line);
      return [n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, after];
    }
    case '(':
      return [BigInt(line), after];
    case ',':
      return [line === 'inf' ? Infinity : line === '-inf' ? -Infinity : line === 'nan' ? NaN : Number(line), after];
    case '#':
      return [line === 't', after];
    case '_':
      return [null, after];
    case '$':
    case '=': {
      const len = Number(line);
      if (len < 0) return [null, after];
      if (s.length < after + len + 2) return null;
      let body = s.slice(after, after + len);
      if (type === '=') body = body.slice(4);
      return [body, after + len + 2];
    }
    case '*':
    case '~':
    case '>': {
      const n = Number(line);
      if (n < 0) return [null, after];
      const items: RespValue[] = [];
      let p = after;
      for (let i = 0; i < n; i++) {
        const r = parseReply(s, p);
        if (r === null) return null;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    case '%':
    case '|': {
      const n = Number(line);
      const m = new Map<RespValue, RespValue>();
      let p = after;
      for (let i = 0; i < n; i++) {
        const k = parseReply(s, p);
        if (k === null) return null;
        const v = parseReply(s, k[1]);
        if (v === null) return null;
        m.set(k[0], v[0]);
        p = v[1];
      }
      if (type === '|') {
        const r = parseReply(s, p);
        if (r === null) return null;
        return r;
      }
      return [m, p];
    }
    default:
      throw new Error(`bad reply type ${JSON.stringify(type)} in ${JSON.stringify(s.slice(pos, pos + 40))}`);
  }
}

export function encodeCommand(args: readonly (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export class TestClient {
  /** Received text; replies before `pos` were already read. */
  private buf = '';
  private pos = 0;
  private waiters: (() => void)[] = [];
  private ended = false;
  private endWaiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      // Drop what was read and flatten once per chunk, so reading many pipelined replies
      // stays linear.
      this.buf = this.buf.slice(this.pos) + d.toString('latin1');
      this.pos = 0;
      this.wake();
    });
    const end = (): void => {
      this.ended = true;
      this.wake();
      for (const w of this.endWaiters.splice(0)) w();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new TestClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Sends one command without waiting. */
  send(...args: (string | Buffer | number)[]): void {
    this.socket.write(encodeCommand(args));
  }

  /** Sends bytes exactly as given (inline commands, malformed protocol). */
  sendRaw(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Waits for and returns the next reply as exact text (latin1). */
  async readRaw(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.buf.length > this.pos ? parseReply(this.buf, this.pos) : null;
      if (r !== null) {
        const raw = this.buf.slice(this.pos, r[1]);
        this.pos = r[1];
        return raw;
      }
      if (this.ended) throw new Error('connection closed while waiting for a reply');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a reply');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for and returns the next reply, parsed. */
  async read(timeoutMs = 5000): Promise<RespValue> {
    const raw = await this.readRaw(timeoutMs);
    return parseReply(raw, 0)![0];
  }

  /** Sends a command and returns its parsed reply. */
  async call(...args: (string | Buffer | number)[]): Promise<RespValue> {
    this.send(...args);
    return this.read();
  }

  /** Sends a command and returns its exact reply text. */
  async callRaw(...args: (string | Buffer | number)[]): Promise<string> {
    this.send(...args);
    return this.readRaw();
  }

  /** Resolves when the server has closed the connection. */
  closed(timeoutMs = 5000): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('connection still open')), timeoutMs);
      this.endWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Whether bytes are waiting that were not read as a reply. */
  get unread(): string {
    return this.buf.slice(this.pos);
  }

  close(): void {
    this.socket.destroy();
  }
}
