// One plain HTTP request to the daemon (long-poll POSTs, refusals), optionally from a chosen local
// address (127.0.0.x on Linux) so per-source-address limits can be exercised.
import { request, type IncomingHttpHeaders } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export function httpRequest(o: { port: number; method?: string; path: string; body?: string; localAddress?: string }): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: o.port, method: o.method ?? 'POST', path: o.path, localAddress: o.localAddress, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body ?? '');
  });
}

/** The JSON lines of a long-poll answer (one message per line, empty body = none). */
export function pollLines(body: string): Array<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return body === '' ? [] : body.split('\n').map((s) => JSON.parse(s) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
}
