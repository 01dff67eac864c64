import { connect } from 'node:net';

/** What a slow sender saw: the status line's code, the response body, and how many body bytes it got out. */
export interface SlowSendResult {
  status: number;
  body: string;
  bodyBytesSent: number;
}

/**
 * A sender at the TCP level: it sends the request line and headers (declaring a `Content-Length` it will
 * never complete), then one byte every `intervalMs` — or none at all with `intervalMs: 0` — until the
 * server closes the connection. Resolves once the server has hung up, so the result also proves the
 * connection was freed. It never finishes the body, so the server's only way out is its own time limit.
 */
export function slowSend(
  url: string,
  options: { path?: string; headers?: Record<string, string>; intervalMs: number },
): Promise<SlowSendResult> {
  const { hostname, port, pathname, search } = new URL(url);
  const path = options.path ?? `${pathname}${search}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const received: Buffer[] = [];
    let bodyBytesSent = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    socket.on('connect', () => {
      const headers = {
        host: `${hostname}:${port}`,
        'content-type': 'application/json',
        'content-length': '100000',
        ...options.headers,
      };
      socket.write(
        `POST ${path} HTTP/1.1\r\n${Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}\r\n{`,
      );
      bodyBytesSent = 1;
      if (options.intervalMs > 0) {
        timer = setInterval(() => {
          if (socket.writable) socket.write(' ', () => undefined);
          bodyBytesSent++;
        }, options.intervalMs);
      }
    });
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is the server freeing the connection
    socket.on('close', () => {
      clearInterval(timer);
      const text = Buffer.concat(received).toString('utf8');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!match)
        return reject(
          new Error(`the server closed the connection without an answer: ${JSON.stringify(text.slice(0, 200))}`),
        );
      resolve({ status: Number(match[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4), bodyBytesSent });
    });
  });
}
