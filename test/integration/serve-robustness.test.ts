// `quench serve` against clients that break the WebSocket protocol: each
// malformed frame is built byte by byte on a raw TCP socket after a real
// handshake (token in the URL, no Origin, as a script would connect). The
// offending connection is closed with the status code RFC 6455 gives its fault;
// the server, its other clients and its queued runs carry on. Runs go through
// the built engine worker (out/main/engine-worker.js): needs `npm run build:ts`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, startServer, type RunningServer } from '../../src-main/serve/server';
import { connectApi } from './api-client';

const root = path.resolve(__dirname, '../..');
let dir: string, server: RunningServer;
const logged: string[] = [];

const connect = () => connectApi(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);

/** A client frame as RFC 6455 §5.2 lays it out; `declared` overrides the length field (the payload sent stays `payload`). */
function frame(opts: { opcode: number; payload?: Buffer; fin?: boolean; rsv?: number; mask?: boolean; declared?: number }): Buffer {
  const payload = opts.payload ?? Buffer.alloc(0);
  const len = opts.declared ?? payload.length;
  const head: number[] = [((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opts.opcode];
  const maskBit = (opts.mask ?? true) ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) head.push(maskBit | 126, len >> 8, len & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(len));
    head.push(...big);
  }
  if (!(opts.mask ?? true)) return Buffer.concat([Buffer.from(head), payload]);
  const key = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([Buffer.from(head), key, masked]);
}

/** A raw TCP connection that has done the WebSocket handshake by hand; `closeCode` resolves with the server's close frame's status code. */
async function rawClient(): Promise<{ socket: net.Socket; closeCode: Promise<number | null> }> {
  const socket = net.connect(server.port, '127.0.0.1');
  await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
  const key = crypto.randomBytes(16).toString('base64');
  socket.write(
    `GET /api?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let buf = Buffer.alloc(0);
  await new Promise<void>((res, rej) => {
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString();
      socket.off('data', onData);
      buf = buf.subarray(end + 4);
      if (!/^HTTP\/1\.1 101 /.test(head)) return rej(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
      const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      if (!head.includes(`Sec-WebSocket-Accept: ${accept}`)) return rej(new Error('bad Sec-WebSocket-Accept'));
      res();
    };
    socket.on('data', onData).once('error', rej);
  });
  // Server frames are unmasked; skip the events it broadcasts until its close frame (opcode 8).
  const closeCode = new Promise<number | null>((res) => {
    const scan = () => {
      for (;;) {
        if (buf.length < 2) return;
        const opcode = buf[0] & 0x0f;
        let len = buf[1] & 0x7f, off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        if (buf.length < off + len) return;
        if (opcode === 8) return res(len >= 2 ? buf.readUInt16BE(off) : null);
        buf = buf.subarray(off + len);
      }
    };
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      scan();
    });
    socket.on('close', () => res(null));
    socket.on('error', () => res(null));
    scan();
  });
  return { socket, closeCode };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-serve-robust-'));
  const file = path.join(dir, 'suite.quench.json');
  const project = JSON.parse(fs.readFileSync(path.join(root, 'examples/seed-suite.quench.json'), 'utf8'));
  // a run that is still going (or queued) while the frames arrive; its length does not matter to the test
  project.experiments.find((e: { id: string }) => e.id === 'vqe').params = { qubits: 10, layers: 2, optimizer: 'adam', iterations: 300 };
  fs.writeFileSync(file, JSON.stringify(project));
  server = await startServer({ projectFile: file, port: 0, home: path.join(dir, 'home'), log: (l) => logged.push(l) });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('quench serve survives protocol errors', () => {
  it('closes only the offending connection, with the status code for its fault; other clients and queued runs carry on', async () => {
    const before = await connect();
    const queued = (await before.call('runExperiment', 'vqe')).result.runIds[0];
    const queued2 = (await before.call('runExperiment', 'bell')).result.runIds[0];

    const attacks: { name: string; bytes: () => Buffer; code: number }[] = [
      { name: 'invalid UTF-8 in a text frame', bytes: () => frame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), code: 1007 },
      { name: 'an unmasked client frame', bytes: () => frame({ opcode: 0x1, payload: Buffer.from('{"id":1,"method":"info"}'), mask: false }), code: 1002 },
      { name: 'a reserved data opcode (0x3)', bytes: () => frame({ opcode: 0x3, payload: Buffer.from('x') }), code: 1002 },
      { name: 'a reserved control opcode (0xb)', bytes: () => frame({ opcode: 0xb }), code: 1002 },
      { name: 'RSV1 set without an extension', bytes: () => frame({ opcode: 0x1, payload: Buffer.from('{}'), rsv: 4 }), code: 1002 },
      { name: 'a fragmented control frame', bytes: () => frame({ opcode: 0x9, fin: false }), code: 1002 },
      { name: 'a continuation frame with nothing to continue', bytes: () => frame({ opcode: 0x0, payload: Buffer.from('x') }), code: 1002 },
      { name: 'a declared length over the limit', bytes: () => frame({ opcode: 0x1, declared: MAX_MESSAGE_BYTES + 1 }), code: 1009 },
      { name: 'fragments adding up to more than the limit', bytes: () => Buffer.concat([frame({ opcode: 0x1, fin: false, payload: Buffer.from('{"a":"') }), frame({ opcode: 0x0, declared: MAX_MESSAGE_BYTES })]), code: 1009 },
      { name: 'invalid UTF-8 in a close frame reason', bytes: () => frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe8, 0xff]) }), code: 1007 },
      { name: 'an invalid close code (999)', bytes: () => frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe7]) }), code: 1002 },
    ];
    const outcomes: string[] = [];
    for (const a of attacks) {
      const { socket, closeCode } = await rawClient();
      socket.write(a.bytes());
      const code = await closeCode;
      socket.destroy();
      outcomes.push(`${a.name}: ${code}`);
      expect(code, a.name).toBe(a.code);
      // the server still answers a client that was there before, after each one
      expect((await before.call('info')).result?.projectPath, a.name).toMatch(/suite\.quench\.json$/);
    }
    console.log(`serve robustness: ${attacks.length} malformed frames, each closed with its code, server alive:\n  ${outcomes.join('\n  ')}`);

    const after = await connect();
    expect((await after.call('info')).result?.projectPath).toMatch(/suite\.quench\.json$/);
    expect((await before.finished(queued)).run.status).toBe('completed');
    expect((await after.finished(queued2)).run.status).toBe('completed');
    // each closed connection was logged with its reason, not silently dropped
    expect(logged.filter((l) => /closed a WebSocket client/.test(l)).length).toBeGreaterThanOrEqual(attacks.length);
    before.ws.close();
    after.ws.close();
  }, 120_000);

  it('refuses a whole message over the limit with 1009 and keeps serving', async () => {
    const other = await connect();
    const big = await connect();
    const closed = new Promise<number>((res) => big.ws.once('close', (code) => res(code)));
    big.ws.on('error', () => {}); // the client library reports the close as an error too
    big.ws.send(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20).toString());
    expect(await closed).toBe(1009);
    expect((await other.call('info')).result?.projectPath).toMatch(/suite\.quench\.json$/);
    other.ws.close();
  }, 120_000);

  it('keeps serving after broken HTTP requests and handshakes cut short', async () => {
    const send = (text: string, reset = false) => new Promise<string>((res) => {
      const s = net.connect(server.port, '127.0.0.1', () => {
        s.write(text);
        if (reset) s.resetAndDestroy();
      });
      let out = '';
      s.on('data', (d) => (out += d)).on('close', () => res(out)).on('error', () => res(out));
      s.setTimeout(10_000, () => s.destroy());
    });
    expect(await send('NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await send(`GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    // upgrade requests whose clients vanish mid-handshake: with the token (accepted) and without (refused)
    for (let i = 0; i < 20; i++) {
      const token = i % 2 ? `?token=${server.token}` : '';
      await send(`GET /api${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`, true);
    }
    const c = await connect();
    expect((await c.call('info')).result?.projectPath).toMatch(/suite\.quench\.json$/);
    c.ws.close();
  }, 60_000);
});
