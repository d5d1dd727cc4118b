/**
 * The network syslog receiver: UDP (RFC 5426, one message per datagram), TCP (RFC 6587
 * octet-counting or newline framing) and TLS (RFC 5425). Each sender address is its own source
 * (`syslog:<ip>`). Frames are parsed by the injected `parse` (the syslog parsers in
 * src/parsers), batched briefly per sender and handed to the sink, which stores them durably.
 *
 * Bad input never takes a connection down: oversized and malformed frames are counted
 * (dropped{reason}) and logged at a limited rate, and the connection keeps being read.
 * TCP senders are paused while their pending batch is being written (backpressure); UDP cannot
 * push back, so datagrams beyond the pending limit are dropped and counted.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import {
  countDrop,
  emptyStats,
  type EventSink,
  type SourceComponent,
  type SourceStats,
} from '../types.js';
import { SyslogFramer } from './framing.js';
import { parseListen } from '../../core/listen.js';

export interface SyslogReceiverOptions {
  readonly udp?: string;
  readonly tcp?: string;
  readonly tls?: {
    readonly listen: string;
    readonly certFile: string;
    readonly keyFile: string;
    readonly caFile?: string;
    readonly requestCert?: boolean;
  };
  readonly maxFrameBytes?: number;
  /** Messages buffered per sender before a flush is forced. */
  readonly batchSize?: number;
  /** Longest a message waits in a batch. */
  readonly flushMs?: number;
  /** Messages waiting for storage across all senders before UDP drops / TCP pauses. */
  readonly maxPending?: number;
  readonly sink: EventSink;
  /** Turns one frame's text into an event in our schema; never throws for bad text. */
  readonly parse: (
    text: string,
    sender: string,
    transport: 'udp' | 'tcp' | 'tls',
  ) => Record<string, unknown>;
  readonly onWarn?: (msg: string, details: Record<string, unknown>) => void;
  /**
   * Called for every frame skipped before reaching the sink (reason `oversized`, `malformed` or
   * `queue_full`), so the server can count it per sender in its metrics.
   */
  readonly onDrop?: (reason: string, sender: string) => void;
}

export interface SyslogReceiver extends SourceComponent {
  /** Bound addresses, available after start(). */
  addresses(): { udp?: net.AddressInfo; tcp?: net.AddressInfo; tls?: net.AddressInfo };
}

interface Batch {
  items: Record<string, unknown>[];
  timer: NodeJS.Timeout | null;
  waiters: Array<() => void>;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export function createSyslogReceiver(opts: SyslogReceiverOptions): SyslogReceiver {
  const maxFrameBytes = opts.maxFrameBytes ?? 64 * 1024;
  const batchSize = opts.batchSize ?? 500;
  const flushMs = opts.flushMs ?? 50;
  const maxPending = opts.maxPending ?? 20_000;
  const stats: SourceStats = emptyStats();
  const batches = new Map<string, Batch>();
  const inflight = new Set<Promise<void>>();
  let pending = 0;
  let udp: dgram.Socket | undefined;
  let tcp: net.Server | undefined;
  let tlsServer: tls.Server | undefined;
  const sockets = new Set<net.Socket>();
  let lastWarn = 0;
  let suppressedWarns = 0;

  const warn = (msg: string, details: Record<string, unknown>): void => {
    // Rate-limited: one line a second at most, with how many were folded into it.
    const now = Date.now();
    if (now - lastWarn < 1000) {
      suppressedWarns++;
      return;
    }
    lastWarn = now;
    opts.onWarn?.(msg, { ...details, suppressed: suppressedWarns });
    suppressedWarns = 0;
  };

  const flush = (sender: string): Promise<void> => {
    const batch = batches.get(sender);
    if (!batch || batch.items.length === 0) return Promise.resolve();
    batches.delete(sender);
    if (batch.timer) clearTimeout(batch.timer);
    const items = batch.items;
    const p = opts.sink
      .ingest(items, `syslog:${sender}`, 'syslog')
      .then(
        (r) => {
          stats.sent += r.accepted + r.duplicates;
          if (r.rejected > 0) countDrop(stats, 'rejected', r.rejected);
        },
        (err: unknown) => {
          stats.errors++;
          countDrop(stats, 'store_failed', items.length);
          warn('syslog batch could not be stored', { sender, error: (err as Error).message });
        },
      )
      .finally(() => {
        pending -= items.length;
        inflight.delete(p);
        for (const w of batch.waiters) w();
      });
    inflight.add(p);
    return p;
  };

  const accept = (
    frame: Buffer,
    sender: string,
    transport: 'udp' | 'tcp' | 'tls',
  ): Batch | undefined => {
    stats.received++;
    if (transport === 'udp' && pending >= maxPending) {
      countDrop(stats, 'queue_full');
      opts.onDrop?.('queue_full', sender);
      warn('syslog UDP datagram dropped: storage is behind', { sender, pending });
      return undefined;
    }
    let item: Record<string, unknown>;
    try {
      item = opts.parse(decoder.decode(frame), sender, transport);
    } catch (err) {
      // The parser contract says it never throws; if it does, keep the raw text anyway.
      stats.errors++;
      item = { 'event.name': 'log', message: decoder.decode(frame), 'log.format': 'unparsed' };
      warn('syslog parser failed on a frame', { sender, error: (err as Error).message });
    }
    let batch = batches.get(sender);
    if (!batch) {
      batch = { items: [], timer: null, waiters: [] };
      batches.set(sender, batch);
    }
    batch.items.push(item);
    pending++;
    if (batch.items.length >= batchSize) void flush(sender);
    else if (!batch.timer) batch.timer = setTimeout(() => void flush(sender), flushMs);
    return batch;
  };

  const onStream = (socket: net.Socket, transport: 'tcp' | 'tls'): void => {
    sockets.add(socket);
    const sender = normalizeAddress(socket.remoteAddress ?? 'unknown');
    const framer = new SyslogFramer({
      maxFrameBytes,
      onFrame: (frame) => {
        const batch = accept(frame, sender, transport);
        if (batch && pending >= maxPending && !socket.isPaused()) {
          socket.pause();
          batch.waiters.push(() => socket.resume());
        }
      },
      onOversize: (n) => {
        stats.received++;
        countDrop(stats, 'oversized');
        opts.onDrop?.('oversized', sender);
        warn('syslog frame over max_frame_bytes skipped', {
          sender,
          bytes: n,
          limit: maxFrameBytes,
        });
      },
      onMalformed: (reason) => {
        stats.received++;
        countDrop(stats, 'malformed');
        opts.onDrop?.('malformed', sender);
        warn('malformed syslog frame skipped', { sender, reason });
      },
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('end', () => {
      framer.end();
      void flush(sender);
    });
    socket.on('error', (err) => {
      stats.errors++;
      warn('syslog connection error', { sender, error: err.message });
    });
    socket.on('close', () => sockets.delete(socket));
  };

  return {
    name: 'syslog',
    async start() {
      if (opts.udp) {
        const { host, port } = parseListen(opts.udp, 'sources.syslog.udp');
        udp = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false });
        udp.on('message', (msg, rinfo) => {
          if (msg.length > maxFrameBytes) {
            stats.received++;
            countDrop(stats, 'oversized');
            opts.onDrop?.('oversized', normalizeAddress(rinfo.address));
            warn('syslog datagram over max_frame_bytes dropped', {
              sender: rinfo.address,
              bytes: msg.length,
            });
            return;
          }
          // RFC 5426 §3.1: one message per datagram; strip a trailing newline some senders add.
          let end = msg.length;
          while (end > 0 && (msg[end - 1] === 0x0a || msg[end - 1] === 0x0d || msg[end - 1] === 0))
            end--;
          if (end === 0) return;
          accept(msg.subarray(0, end), normalizeAddress(rinfo.address), 'udp');
        });
        udp.on('error', (err) => {
          stats.errors++;
          warn('syslog UDP socket error', { error: err.message });
        });
        await new Promise<void>((resolve, reject) => {
          udp!.once('error', reject);
          udp!.bind(port, host, () => {
            udp!.off('error', reject);
            resolve();
          });
        });
      }
      if (opts.tcp) {
        const { host, port } = parseListen(opts.tcp, 'sources.syslog.tcp');
        tcp = net.createServer((s) => onStream(s, 'tcp'));
        await listen(tcp, host, port);
      }
      if (opts.tls) {
        const { host, port } = parseListen(opts.tls.listen, 'sources.syslog.tls.listen');
        tlsServer = tls.createServer(
          {
            cert: readFileSync(opts.tls.certFile),
            key: readFileSync(opts.tls.keyFile),
            ...(opts.tls.caFile ? { ca: readFileSync(opts.tls.caFile) } : {}),
            requestCert: opts.tls.requestCert ?? false,
            rejectUnauthorized: opts.tls.requestCert ?? false,
            minVersion: 'TLSv1.2',
          },
          (s) => onStream(s, 'tls'),
        );
        tlsServer.on('tlsClientError', (err) => {
          stats.errors++;
          warn('syslog TLS handshake failed', { error: err.message });
        });
        await listen(tlsServer, host, port);
      }
    },
    async close() {
      await Promise.all([
        udp ? new Promise<void>((r) => udp!.close(() => r())) : undefined,
        tcp ? new Promise<void>((r) => tcp!.close(() => r())) : undefined,
        tlsServer ? new Promise<void>((r) => tlsServer!.close(() => r())) : undefined,
      ]);
      for (const s of sockets) s.destroy();
      for (const sender of [...batches.keys()]) void flush(sender);
      await Promise.all([...inflight]);
    },
    stats: () => structuredClone(stats),
    addresses() {
      return {
        ...(udp ? { udp: udp.address() } : {}),
        ...(tcp ? { tcp: tcp.address() as net.AddressInfo } : {}),
        ...(tlsServer ? { tls: tlsServer.address() as net.AddressInfo } : {}),
      };
    },
  };
}

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** `::ffff:192.0.2.7` -> `192.0.2.7`, so one sender is one source whatever the socket family. */
function normalizeAddress(addr: string): string {
  return addr.startsWith('::ffff:') && net.isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
}
