import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the local server saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

/** One scripted answer: gets the request (its body read) and answers it. */
export type Responder = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 answering from a script, one responder per request in order. */
export interface LocalServer {
  url: string;
  seen: SeenRequest[];
  /** Replaces the script; requests past its end get 500. */
  script(...responders: Responder[]): void;
  close(): Promise<void>;
}

export async function startLocalServer(): Promise<LocalServer> {
  let queue: Responder[] = [];
  const seen: SeenRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    const entry: SeenRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(parts),
      at: Date.now(),
    };
    seen.push(entry);
    const next = queue.shift();
    if (!next) {
      res.writeHead(500).end('script exhausted');
      return;
    }
    await next(entry, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    script(...responders) {
      queue = responders;
      seen.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A problem+json answer. */
export function problem(status: number, code: string, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
    res.end(JSON.stringify({ type: 'about:blank', title: 'x', status, code, detail: `${code} detail` }));
  };
}

/** A JSON answer. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}
