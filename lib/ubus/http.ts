// One JSON POST over node:http(s) with an agent chosen by the caller, a time-out for the whole
// exchange and a bound on the reply's size (a fleet run keeps many replies in flight).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export type Agent = HttpAgent | HttpsAgent;

/** Replies larger than this are refused: a router's whole config is a few hundred KiB. */
export const MAX_REPLY_BYTES = 16 << 20;

export function agentFor(url: URL, keepAlive: boolean): Agent {
  // one connection per target: its calls are made one after another
  const opts = { keepAlive, maxSockets: 1 };
  return url.protocol === 'https:' ? new HttpsAgent(opts) : new HttpAgent(opts);
}

export interface HttpReply {
  status: number;
  text: string;
}

export function postJson(url: URL, body: string, agent: Agent, timeoutMs: number): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    let done = false;
    const finish = (e: Error | null, reply?: HttpReply): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (e) reject(e);
      else resolve(reply!);
    };
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e) => finish(e));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_REPLY_BYTES) req.destroy(new Error(`reply larger than ${MAX_REPLY_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on('error', (e) => finish(e));
      res.on('end', () => finish(null, { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('close', () => finish(new Error('connection closed before the reply ended')));
    });
    req.end(body);
  });
}
