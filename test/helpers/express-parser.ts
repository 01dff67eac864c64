import type { IncomingMessage, ServerResponse } from 'node:http';

/** A node request as Express's body parsers leave it: `req.body` set, and body-parser's `req._body` flag. */
export type ParsedRequest = IncomingMessage & { body?: unknown; _body?: boolean };
export type ParsedListener = (req: ParsedRequest, res: ServerResponse) => void;

/** What Express's body parsers do: consume the stream, then set req.body (and body-parser's req._body flag). */
export function likeExpressParser(kind: 'raw' | 'text' | 'json', next: ParsedListener): ParsedListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      req.body = kind === 'raw' ? raw : kind === 'text' ? raw.toString('utf8') : JSON.parse(raw.toString('utf8'));
      req._body = true;
      next(req, res);
    });
  };
}
