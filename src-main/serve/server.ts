// `quench serve`: the workbench back end over HTTP + WebSocket, headless.
// Binds 127.0.0.1 only and requires a per-start random token: in the URL
// (?token=…) on the first page load, after which an HttpOnly SameSite=Strict
// cookie carries it (so the page's own WebSocket to /api is authorized without
// the page ever seeing the token). Serves the built renderer as static files
// and the API (src-shared/api/contract.ts) at /api.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, parseRequest, type ApiEvent, type ApiResponse, type RequestId } from '../../src-shared/api/contract';
import { packageRoot } from '../native/addon';
import { Workbench } from './workbench';

export interface ServeOptions {
  projectFile?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** The built renderer (default out/renderer) and engine worker (default out/main/engine-worker.js). */
  rendererDir?: string;
  workerPath?: string;
  log?: (line: string) => void;
  /** QUENCH_HOME (recent files, recovery copies); default $QUENCH_HOME or ~/.quench. */
  home?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  workbench: Workbench;
  close(): Promise<void>;
}

const COOKIE = 'quench_token';
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
  '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8',
};

function sameSecret(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function cookieToken(req: http.IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const root = path.resolve(opts.rendererDir ?? path.join(packageRoot(), 'out', 'renderer'));
  const workerPath = opts.workerPath ?? path.join(packageRoot(), 'out', 'main', 'engine-worker.js');
  if (!fs.existsSync(workerPath)) throw new Error(`the engine worker is not built (${workerPath} is missing); run 'npm run build'`);
  const token = crypto.randomBytes(24).toString('base64url');
  let port = 0;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 });
  const broadcast = (e: ApiEvent) => {
    const text = JSON.stringify(e);
    for (const c of wss.clients) if (c.readyState === c.OPEN) c.send(text);
  };
  const workbench = new Workbench({ projectFile: opts.projectFile, workerPath, emit: broadcast, log: opts.log, mode: 'serve', home: opts.home });

  const authorized = (req: http.IncomingMessage, url: URL) => sameSecret(url.searchParams.get('token') ?? undefined, token) || sameSecret(cookieToken(req), token);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fail = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(text + '\n');
    };
    if (!authorized(req, url)) return fail(403, 'forbidden: open the URL that `quench serve` printed (it carries the access token)');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return fail(400, 'bad path');
    }
    if (rel.includes('\0')) return fail(400, 'bad path');
    if (rel.endsWith('/')) rel += 'index.html';
    // The URL parser already folds '/../'; decoding can bring back '..' (%2f), so check the resolved path.
    const file = path.resolve(root, '.' + rel);
    if (!file.startsWith(root + path.sep)) return fail(403, 'forbidden: outside the workbench');
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) return fail(404, 'not found');
      const headers: http.OutgoingHttpHeaders = {
        'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': st.size,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      };
      if (url.searchParams.has('token')) headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      res.writeHead(200, headers);
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A browser page from another site must not drive the API, even with a token it guessed or stole.
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (url.pathname !== '/api' || !authorized(req, url) || !originOk) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws, workbench));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    workbench,
    async close() {
      await workbench.close();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function serveClient(ws: WebSocket, workbench: Workbench): void {
  ws.on('message', (data, isBinary) => {
    let id: RequestId | null = null;
    const reply = (r: ApiResponse | { id: null; error: { message: string; code: string } }) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(r));
    };
    void (async () => {
      try {
        if (isBinary) throw new ApiError('bad request: send JSON text frames', 'bad-request');
        let raw: unknown;
        try {
          raw = JSON.parse(data.toString());
        } catch {
          throw new ApiError('bad request: not valid JSON', 'bad-request');
        }
        // answer with the caller's id even when the rest of the message is wrong
        const rid = (raw as { id?: unknown } | null)?.id;
        if (typeof rid === 'string' || typeof rid === 'number') id = rid;
        const req = parseRequest(raw);
        reply({ id: req.id, result: await workbench.dispatch(req) });
      } catch (e) {
        const err = e instanceof ApiError ? { message: e.message, code: e.code } : { message: (e as Error).message ?? String(e), code: 'failed' as const };
        reply({ id, error: err } as ApiResponse);
      }
    })();
  });
}
