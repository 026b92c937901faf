import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { isValidNsid } from '@atproto/syntax'
import { XRPCError } from '@atproto/xrpc-server'
import { WebSocketServer, type WebSocket } from 'ws'
import { isDatabaseInputError } from '../db/index.ts'
import type { Logger } from '../logger.ts'

// A small XRPC-shaped HTTP server on node:http: routes by path, XRPC error bodies ({ error, message })
// with the right status, graceful stop. Handlers throw InvalidRequestError / AuthRequiredError from
// @atproto/xrpc-server; anything else is a 500 that is logged, never a crash.

export interface RequestContext {
  req: IncomingMessage
  url: URL
  params: URLSearchParams
  /** parsed JSON body for procedures */
  body: unknown
}

export type HandlerResult =
  | { json: unknown; status?: number; headers?: Record<string, string> }
  | { html: string; status?: number; headers?: Record<string, string> }

export type Handler = (ctx: RequestContext) => Promise<HandlerResult> | HandlerResult

interface Route {
  method: 'GET' | 'POST'
  handler: Handler
  /** query parameters that may be given more than once (lists); any other given twice is an InvalidRequest */
  repeatable: ReadonlySet<string>
}

export interface RouteOptions {
  /** query parameters that are lists (e.g. queryLabels' `uriPatterns`); every other parameter must appear at most once */
  repeatable?: string[]
}

/** Handles an XRPC subscription (a WebSocket at /xrpc/<nsid>) once the upgrade is accepted. */
export type StreamHandler = (ws: WebSocket, ctx: { req: IncomingMessage; url: URL; params: URLSearchParams }) => void

const MAX_BODY = 1024 * 1024

export class HttpServer {
  readonly #routes = new Map<string, Route>()
  readonly #logger: Logger
  readonly #sockets = new Set<Socket>()
  readonly #streams = new Map<string, StreamHandler>()
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 })
  #server: Server | undefined

  constructor(logger: Logger) {
    this.#logger = logger
  }

  /** XRPC query (GET /xrpc/<nsid>) */
  query(nsid: string, handler: Handler, opts: RouteOptions = {}): this {
    this.#routes.set(`/xrpc/${nsid}`, { method: 'GET', handler, repeatable: new Set(opts.repeatable) })
    return this
  }

  /** XRPC procedure (POST /xrpc/<nsid>, JSON body) */
  procedure(nsid: string, handler: Handler, opts: RouteOptions = {}): this {
    this.#routes.set(`/xrpc/${nsid}`, { method: 'POST', handler, repeatable: new Set(opts.repeatable) })
    return this
  }

  /** XRPC subscription (WebSocket upgrade on GET /xrpc/<nsid>) */
  subscription(nsid: string, handler: StreamHandler): this {
    this.#streams.set(`/xrpc/${nsid}`, handler)
    return this
  }

  get(path: string, handler: Handler, opts: RouteOptions = {}): this {
    this.#routes.set(path, { method: 'GET', handler, repeatable: new Set(opts.repeatable) })
    return this
  }

  /** POST with a JSON body on a plain path (not XRPC), e.g. an admin API */
  post(path: string, handler: Handler, opts: RouteOptions = {}): this {
    this.#routes.set(path, { method: 'POST', handler, repeatable: new Set(opts.repeatable) })
    return this
  }

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0
  }

  async listen(port: number, host?: string): Promise<number> {
    const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: 30_000, headersTimeout: 20_000 }, (req, res) => {
      void this.#handle(req, res)
    })
    server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.once('close', () => this.#sockets.delete(socket))
    })
    server.on('upgrade', (req, socket, head) => {
      let url: URL
      try {
        url = new URL(req.url ?? '/', 'http://localhost')
      } catch {
        return void socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      }
      const handler = this.#streams.get(url.pathname)
      if (!handler) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', (err) => this.#logger.debug({ err: err.message }, 'subscription socket error'))
        try {
          handler(ws, { req, url, params: url.searchParams })
        } catch (err) {
          this.#logger.error({ err }, 'subscription handler failed')
          ws.close(1011)
        }
      })
    })
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      // a request node:http cannot parse (e.g. a URL or headers over its 16 kB limit): still an XRPC error body
      if (!socket.writable) return
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
      const payload = JSON.stringify({ error: 'InvalidRequest', message: tooLarge ? 'request URL or headers too large' : 'malformed HTTP request' })
      const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'
      socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`)
    })
    this.#server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    return this.port
  }

  /** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then closes. */
  async close(graceMs = 5_000): Promise<void> {
    const server = this.#server
    if (!server) return
    this.#server = undefined
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    for (const ws of this.#wss.clients) ws.close(1001, 'server shutting down')
    const timer = setTimeout(() => {
      for (const s of this.#sockets) s.destroy()
    }, graceMs)
    await closed
    clearTimeout(timer)
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      return this.#sendError(res, 400, 'InvalidRequest', 'malformed request URL')
    }
    const route = this.#routes.get(url.pathname)
    if (!route && this.#streams.has(url.pathname)) {
      return this.#sendError(res, 400, 'InvalidRequest', 'this is a subscription: connect with a WebSocket')
    }
    if (!route) {
      if (url.pathname.startsWith('/xrpc/')) {
        if (!isValidNsid(url.pathname.slice('/xrpc/'.length))) return this.#sendError(res, 400, 'InvalidRequest', 'invalid xrpc path')
        return this.#sendError(res, 501, 'MethodNotImplemented', 'method not implemented')
      }
      return this.#sendError(res, 404, 'NotFound', 'not found')
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, corsHeaders())
      return void res.end()
    }
    const method = req.method === 'HEAD' ? 'GET' : req.method
    if (method !== route.method) {
      return this.#sendError(res, 405, 'InvalidRequest', `use ${route.method} for ${url.pathname}`)
    }
    const repeated = [...url.searchParams.keys()].find((k, i, keys) => keys.indexOf(k) !== i && !route.repeatable.has(k))
    if (repeated !== undefined) return this.#sendError(res, 400, 'InvalidRequest', `parameter ${JSON.stringify(repeated.slice(0, 64))} given more than once`)
    try {
      let body: unknown
      if (route.method === 'POST') body = await readJsonBody(req)
      const result = await route.handler({ req, url, params: url.searchParams, body })
      if ('json' in result) {
        const payload = JSON.stringify(result.json)
        res.writeHead(result.status ?? 200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(payload),
          ...corsHeaders(),
          ...result.headers,
        })
        res.end(req.method === 'HEAD' ? undefined : payload)
      } else {
        res.writeHead(result.status ?? 200, {
          'content-type': 'text/html; charset=utf-8',
          'content-length': Buffer.byteLength(result.html),
          ...result.headers,
        })
        res.end(req.method === 'HEAD' ? undefined : result.html)
      }
    } catch (err) {
      if (err instanceof XRPCError) {
        const { error, message } = err.payload
        return this.#sendError(res, err.statusCode, error ?? 'InternalServerError', message ?? '', err.statusCode >= 500 ? err : undefined)
      }
      if (err instanceof HttpBodyError) return this.#sendError(res, err.status, 'InvalidRequest', err.message)
      // PostgreSQL refused a value from the request (too large to index, out of range): the request's fault
      if (isDatabaseInputError(err)) return this.#sendError(res, 400, 'InvalidRequest', 'a value in the request is too large or not allowed')
      this.#sendError(res, 500, 'InternalServerError', 'internal error', err)
    }
  }

  #sendError(res: ServerResponse, status: number, error: string, message: string, cause?: unknown): void {
    if (cause !== undefined) this.#logger.error({ err: cause }, 'request failed')
    if (res.headersSent) return void res.destroy()
    const payload = JSON.stringify({ error, message })
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      ...corsHeaders(),
    })
    res.end(payload)
  }
}

function corsHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'authorization, content-type, atproto-accept-labelers',
  }
}

class HttpBodyError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? ''
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY) throw new HttpBodyError(413, 'request body too large')
    chunks.push(chunk)
  }
  if (size === 0) return undefined
  if (!/^application\/json\b/i.test(type)) throw new HttpBodyError(400, 'request body must be application/json')
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new HttpBodyError(400, 'request body is not valid JSON')
  }
}
