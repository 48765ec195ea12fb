import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface Answered {
  status: number;
  text: string;
  /** Bytes of the body the client had handed to its socket when the answer's head arrived. */
  sentBeforeAnswer: number;
  /** Bytes the server's socket had read off the wire by then (headers included). */
  serverRead: number;
}

/**
 * POSTs a body (`total` bytes of filler, or the bytes given) to `url` in 64 KB chunks, and stops sending as soon as the answer
 * arrives. The server's socket is found through the diagnostics channel Node announces each
 * request on, so what it read is measured without touching the server.
 */
export function postHuge(url: string, headers: Record<string, string>, body: number | Buffer): Promise<Answered> {
  const total = typeof body === 'number' ? body : body.length;
  const { hostname, port, pathname } = new URL(url);
  let serverSocket: Socket | undefined;
  const onRequest = (message: unknown) => {
    const req = (message as { request: IncomingMessage }).request;
    if (req.socket.localPort === Number(port)) serverSocket = req.socket;
  };
  subscribe('http.server.request.start', onRequest);
  return new Promise<Answered>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(
      { host: hostname, port, path: pathname, method: 'POST', agent: false, headers: { ...headers, 'content-length': total } },
      (res) => {
        answered = true;
        const sentBeforeAnswer = sent;
        const serverRead = serverSocket?.bytesRead ?? -1;
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, sentBeforeAnswer, serverRead }));
        res.on('error', reject);
      },
    );
    // Writing after the server has closed fails (EPIPE, reset): expected once it has answered.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const filler = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (!answered && sent < total) {
        const size = Math.min(filler.length, total - sent);
        const piece = typeof body === 'number' ? filler.subarray(0, size) : body.subarray(sent, sent + size);
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  }).finally(() => unsubscribe('http.server.request.start', onRequest));
}
