import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

// Why not PGLiteSocketServer's own multiplexer: it interleaves single protocol messages of
// different connections, so connection B's Parse can land between A's Parse and Bind on
// PGlite's one backend ("unnamed prepared statement does not exist" under load). Here every
// connection's messages up to Sync ('S') or a simple Query ('Q') run as one unit, and while
// the backend is inside a transaction only the connection that opened it is served.

const SSL_REQUEST_CODE = 80877103;
const CANCEL_REQUEST_CODE = 80877102;
const GSSENC_REQUEST_CODE = 80877104;
const PROTOCOL_V3 = 196608;

type Unit = { connection: Connection; messages: Uint8Array[]; done: () => void };

export type PgliteMultiplexerOptions = {
  db: PGlite;
  host?: string;
  port?: number;
  maxConnections?: number;
};

export class PgliteMultiplexer {
  private readonly db: PGlite;
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly maxConnections: number;
  private readonly connections = new Set<Connection>();
  private readonly queue: Unit[] = [];
  private server: Server | null = null;
  private running = false;
  /** The connection whose transaction is open on the backend, if any. */
  private owner: Connection | null = null;
  port = 0;

  constructor({ db, host = "127.0.0.1", port = 0, maxConnections = 64 }: PgliteMultiplexerOptions) {
    this.db = db;
    this.host = host;
    this.requestedPort = port;
    this.maxConnections = maxConnections;
  }

  async start() {
    await this.db.waitReady;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.requestedPort, this.host, () => {
        server.off("error", reject);
        const address = server.address();
        if (address && typeof address === "object") this.port = address.port;
        resolve();
      });
    });
  }

  async stop() {
    for (const connection of this.connections) connection.socket.destroy();
    this.connections.clear();
    // Let a unit already running on the backend finish before the database is closed.
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket) {
    if (this.connections.size >= this.maxConnections) {
      // Close our side fully once the error is flushed: a client that never closes its end
      // would otherwise keep server.close() in stop() waiting forever.
      socket.on("error", () => socket.destroy());
      socket.end(errorResponse("53300", "too many connections to the embedded database"), () => socket.destroy());
      return;
    }
    socket.setNoDelay(true);
    const connection = new Connection(socket, (unit) => this.enqueue(unit));
    this.connections.add(connection);
    socket.on("close", () => void this.release(connection));
    socket.on("error", () => socket.destroy());
  }

  private async release(connection: Connection) {
    this.connections.delete(connection);
    connection.closed = true;
    const remaining = this.queue.filter((unit) => unit.connection !== connection);
    this.queue.length = 0;
    this.queue.push(...remaining);
    if (this.owner === connection) {
      // A client that vanished mid-transaction must not leave the backend blocked. Not inside
      // runExclusive: exec() takes PGlite's query lock itself, so nesting it would deadlock.
      if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
      this.owner = null;
    }
    void this.drain();
  }

  private enqueue(unit: Unit) {
    this.queue.push(unit);
    void this.drain();
  }

  private async drain() {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((unit) => unit.connection === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) break;
        const [unit] = this.queue.splice(index, 1);
        await this.run(unit);
      }
    } finally {
      this.running = false;
    }
  }

  private async run(unit: Unit) {
    const { connection, messages } = unit;
    try {
      await this.db.runExclusive(async () => {
        for (let i = 0; i < messages.length; i++) {
          await this.db.execProtocolRawStream(messages[i], {
            // Flush to disk once per unit rather than once per protocol message.
            syncToFs: i === messages.length - 1,
            onRawData: (data) => {
              if (!connection.closed && data.length > 0) connection.socket.write(Buffer.from(data));
            },
          });
        }
      });
      this.owner = this.db.isInTransaction() && !connection.closed ? connection : null;
      if (this.owner === null && this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    } catch (error) {
      connection.socket.destroy(error instanceof Error ? error : new Error(String(error)));
    } finally {
      unit.done();
    }
  }
}

/** Splits one client's byte stream into protocol units and hands them over in order. */
class Connection {
  closed = false;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Uint8Array[] = [];
  private started = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: Socket,
    private readonly submit: (unit: Unit) => void,
  ) {
    socket.on("data", (chunk) => this.onData(chunk));
  }

  private onData(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.take(length);
        if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
          this.socket.write("N"); // no TLS on loopback
        } else if (code === CANCEL_REQUEST_CODE) {
          this.socket.end();
          return;
        } else if (code === PROTOCOL_V3) {
          this.started = true;
          this.send([message]);
        } else {
          this.socket.end(errorResponse("08P01", "unsupported frontend protocol"));
          return;
        }
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1) + 1;
      if (this.buffer.length < length) return;
      const type = String.fromCharCode(this.buffer[0]);
      const message = this.take(length);
      if (type === "X") {
        this.socket.end();
        return;
      }
      this.pending.push(message);
      // Sync ends an extended-protocol exchange, Query is a whole simple exchange; Flush or
      // CopyDone-free COPY streams are not used by Prisma, pg-boss or the CLI.
      if (type === "S" || type === "Q" || type === "H") {
        const messages = this.pending;
        this.pending = [];
        this.send(messages);
      }
    }
  }

  private take(length: number) {
    const message = new Uint8Array(this.buffer.subarray(0, length));
    this.buffer = this.buffer.subarray(length);
    return message;
  }

  /** Units of one connection run strictly in order: the next waits for the previous. */
  private send(messages: Uint8Array[]) {
    this.chain = this.chain.then(
      () => new Promise<void>((done) => (this.closed ? done() : this.submit({ connection: this, messages, done }))),
    );
  }
}

function errorResponse(code: string, message: string) {
  const fields = Buffer.concat([
    Buffer.from(`SFATAL\0C${code}\0M${message}\0`, "utf8"),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write("E", 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}
