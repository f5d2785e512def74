// The one reader of request bodies, for /ubus, LuCI's forms and cgi-io alike: a body is read
// whole up to its endpoint's limit, and the bytes of all bodies being read or answered count
// against one bound (ServerLimits.bodyBytesInFlight), so that many slow clients cannot fill
// the server's memory through any of its endpoints.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request body read whole, or why not; `held`: its bytes counted in flight. */
type Body = { text: string; held: number } | { refused: 'too-large' | 'busy' | 'aborted'; held: number };

export class RequestBodies {
  private used = 0;

  constructor(readonly bytesInFlight: number) {}

  /** Body bytes of the requests being read or answered now. */
  get inFlight(): number {
    return this.used;
  }

  private read(req: IncomingMessage, limit: number): Promise<Body> {
    return new Promise((resolve) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > limit) return resolve({ refused: 'too-large', held: 0 });
      const chunks: Buffer[] = [];
      let size = 0;
      const stop = (refused: 'too-large' | 'busy' | 'aborted') => {
        req.removeAllListeners('data');
        req.pause();
        resolve({ refused, held: size });
      };
      req.on('data', (chunk: Buffer) => {
        if (size + chunk.length > limit) return stop('too-large');
        if (this.used + chunk.length > this.bytesInFlight) return stop('busy');
        this.used += chunk.length;
        size += chunk.length;
        chunks.push(chunk);
      });
      req.on('end', () => resolve({ text: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8'), held: size }));
      // a client gone (or timed out) before the end: its bytes go back
      req.on('error', () => stop('aborted'));
      req.on('close', () => stop('aborted'));
    });
  }

  /**
   * Reads the body of `req` (at most `limit` bytes) and runs `answer` with its text, the bytes
   * counted in flight until the answer is done. A body over the limit is not read to its end:
   * `answer` gets null, and the connection closes after the reply, so that the unread rest is
   * not taken for the next request. Past the bound of bytes in flight the request is answered
   * 503 here, and closed for the same reason; a client gone before its body ended is not answered.
   */
  async answer(req: IncomingMessage, res: ServerResponse, limit: number, answer: (text: string | null) => Promise<void> | void): Promise<void> {
    const body = await this.read(req, limit);
    try {
      if (!('refused' in body)) return await answer(body.text);
      if (body.refused === 'aborted') return;
      res.setHeader('Connection', 'close');
      if (body.refused === 'too-large') return await answer(null);
      const text = 'Service Unavailable\n';
      res.writeHead(503, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    } finally {
      this.used -= body.held;
    }
  }
}
