import { Agent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Unavailable } from './errors.js';
import { FORWARDED_HEADER, SERVED_BY_HEADER, type WebReply, type WebRequest } from './types.js';

/** Headers that belong to one connection, never copied across a hop (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);

export interface ForwarderOptions {
  /** This worker's canonical URL, sent in the loop-protection header. */
  selfUrl: string;
  /** How long the owner has to answer (ms). */
  timeoutMs: number;
}

/** Forwards requests to the worker that owns a key, keeping method, headers, body, status and answer. */
export class Forwarder {
  private readonly http = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly options: ForwarderOptions) {}

  async forward(req: WebRequest, reply: WebReply, ownerUrl: string): Promise<WebReply> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      headers[name] = value;
    }
    headers[FORWARDED_HEADER] = this.options.selfUrl;
    const body = requestBody(req);
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    let answer: { status: number; headers: IncomingMessage['headers']; bytes: Buffer };
    try {
      answer = await this.send(new URL(req.url, ownerUrl), req.method, headers, body);
    } catch (error) {
      throw new Unavailable(
        `the worker that owns the key (${ownerUrl}) is unreachable: ${(error as Error).message}`,
      );
    }
    reply.code(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || name === 'date') continue;
      reply.header(name, value);
    }
    reply.header(SERVED_BY_HEADER, ownerUrl);
    return reply.send(answer.bytes);
  }

  private send(
    url: URL,
    method: string,
    headers: Record<string, string | string[]>,
    body: string | Buffer | undefined,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; bytes: Buffer }> {
    const secure = url.protocol === 'https:';
    const request = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        { method, headers, agent: secure ? this.https : this.http, timeout: this.options.timeoutMs },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('aborted', () => reject(new Error('the answer broke off')));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 502,
              headers: incoming.headers,
              bytes: Buffer.concat(chunks),
            }),
          );
        },
      );
      outgoing.on('timeout', () =>
        outgoing.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)),
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** The body as the owner should get it: the raw bytes for JSON and text, as parsed. */
function requestBody(req: WebRequest): string | Buffer | undefined {
  if (req.method === 'GET' || req.method === 'HEAD' || req.body === undefined || req.body === null) {
    return undefined;
  }
  if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) return req.body;
  return JSON.stringify(req.body);
}
