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

/**
 * The largest WebSocket message a client may send. The biggest requests carry a
 * whole project (updateProject, saveProject) or a project file's text
 * (openProjectText, importResultsText); project files with their results are a
 * few MiB in practice, and a larger one is opened by path (openProject,
 * importResults), which has no such limit. 64 MiB leaves room for that while
 * keeping one client from making the server buffer (and then parse) hundreds of
 * MiB per connection; a message over it closes that connection with 1009.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

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

  const log = opts.log ?? (() => {});
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  // With noServer there is no listening socket of its own to fail; listened to so that nothing it emits can end the process.
  wss.on('error', (e) => log(`quench serve: WebSocket server: ${e.message}`));
  const broadcast = (e: ApiEvent) => {
    const text = JSON.stringify(e);
    for (const c of wss.clients) if (c.readyState === c.OPEN) c.send(text);
  };
  const workbench = new Workbench({ projectFile: opts.projectFile, workerPath, emit: broadcast, log: opts.log, mode: 'serve', home: opts.home });
  let closing = false;

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

  // Malformed HTTP requests ('clientError') keep Node's default handling: it answers 400/408/431 when nothing of a
  // response has been sent yet, destroys the socket, and keeps the error from reaching the process.

  server.on('upgrade', (req, socket, head) => {
    // Node hands the upgrade socket over without its own error listener: a client that resets now would otherwise end the process.
    socket.on('error', (e) => log(`quench serve: a WebSocket connection failed: ${e.message}`));
    if (closing) return socket.destroy();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A browser page from another site must not drive the API, even with a token it guessed or stole.
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (url.pathname !== '/api' || !authorized(req, url) || !originOk) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws, workbench, log));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  // Once listening, an error (e.g. EMFILE when accepting) fails that connection only; the workbench keeps serving.
  server.on('error', (e) => log(`quench serve: ${e.message}`));

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    workbench,
    async close() {
      closing = true;
      await workbench.close();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function serveClient(ws: WebSocket, workbench: Workbench, log: (line: string) => void): void {
  // A protocol error (invalid UTF-8, an unmasked or reserved frame, a message over MAX_MESSAGE_BYTES) is emitted here;
  // with a listener, ws closes this connection with the matching status code (1007, 1002, 1009) and the rest carry on.
  ws.on('error', (e: Error & { code?: string }) => log(`quench serve: closed a WebSocket client: ${e.message}${e.code ? ` (${e.code})` : ''}`));
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
