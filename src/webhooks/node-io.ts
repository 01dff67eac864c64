import { isRawBody, toBytes, type RawBody } from './bytes';
import { bodyTooLarge, readRawBody, type NodeBodyStream } from './raw-body';

// What the two `node:http` / Express adapters (the FML webhook receiver and the HubSpot workflow
// action) share: the request and response shapes they read, the body, and writing the answer.

/** The parts of node's `IncomingMessage` (or Express's `req`) a Node adapter uses. */
export interface NodeRequest extends NodeBodyStream {
  method?: string | undefined;
  url?: string | undefined;
  /** Set by Express body parsers: a Buffer with `express.raw()`, which is what the adapters want. */
  body?: unknown;
  readableEnded?: boolean;
  /** Destroyed after a 413 or 408 answer, so a sender that keeps sending cannot hold the connection. */
  socket?: {
    /** Closes the connection. */
    destroy(): unknown;
  } | null;
}

/** The parts of node's `ServerResponse` (or Express's `res`) a Node adapter uses. */
export interface NodeResponse {
  statusCode: number;
  /** Sets one answer header. */
  setHeader(name: string, value: string): unknown;
  /** Sends the answer's JSON body; `callback` runs once it is flushed. */
  end(chunk: string, callback?: () => void): unknown;
  /** node's `ServerResponse` emits `close` when the connection goes, flushed or not. */
  once?(event: 'close', listener: () => void): unknown;
}

/** An adapter's answer, written as JSON. */
export interface NodeAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The raw body from `express.raw()` (or a text parser) when one ran, within `limit`; else read from the stream within `timeoutMs`. */
export function rawBodyOf(req: NodeRequest, limit: number, timeoutMs?: number): Promise<RawBody> | RawBody {
  const parsed = req.body;
  if (!isRawBody(parsed)) return readRawBody(req, { limit, timeoutMs });
  const size = typeof parsed === 'string' ? toBytes(parsed).byteLength : parsed.byteLength;
  if (size > limit) throw bodyTooLarge(limit);
  return parsed;
}

/** Writes `answer` and resolves once it is flushed or the connection is gone. */
export async function writeAnswer(req: NodeRequest, res: NodeResponse, answer: NodeAnswer): Promise<void> {
  res.statusCode = answer.status;
  res.setHeader('content-type', 'application/json');
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  // `end`'s callback never fires on a socket the sender already dropped; `close` always does.
  await new Promise<void>((resolve) => {
    res.once?.('close', resolve);
    res.end(JSON.stringify(answer.body), resolve);
  });
  // The rest of an oversized (413) or stalled (408) upload is not worth waiting for: once the answer is
  // flushed, drop the connection, so a slow sender cannot keep holding it.
  if ((answer.status === 413 || answer.status === 408) && !req.readableEnded) req.socket?.destroy();
}
