#!/usr/bin/env node
// OTLP request decoding and mapping, protobuf vs JSON, same records, same process.
//
//   npm run build && node bench/otlp-decode.mjs [--records 512] [--rounds 7] [--iters 40]
//
// The records are made by the OpenTelemetry JS SDK (sdk-logs) and serialized by its own
// serializers (otlp-transformer: ProtobufLogsSerializer, JsonLogsSerializer), as the
// exporters send them (512 is the BatchLogRecordProcessor's default batch). Timed per round:
//   json   JSON.parse + mapOtlpLogs (content-derived ids included)
//   proto  decodeOtlpLogsProtobuf (with its on-the-wire limits) + mapOtlpLogs
// Both must map to the same items, ids included, or the bench stops. Rounds alternate json and
// proto so machine load hits both alike; read the ratio per round and its median, not an
// absolute number. Where the time goes:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/otlp-decode.mjs --only proto
import { parseArgs } from 'node:util';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ProtobufLogsSerializer, JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { mapOtlpLogs } from '../dist/sources/otlp/map.js';
import { decodeOtlpLogsProtobuf } from '../dist/sources/otlp/proto.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '512' },
    rounds: { type: 'string', default: '7' },
    iters: { type: 'string', default: '40' },
    only: { type: 'string', default: '' },
  },
});
const N = Number(args.records);
const ROUNDS = Number(args.rounds);
const ITERS = Number(args.iters);

const memory = new InMemoryLogRecordExporter();
const provider = new LoggerProvider({
  resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.name': 'shop-1' }),
  processors: [new SimpleLogRecordProcessor({ exporter: memory })],
});
const logger = provider.getLogger('auth', '2.0.0');
for (let i = 0; i < N; i++)
  logger.emit({
    severityNumber: SeverityNumber.WARN,
    body: `login failed for user${i % 97} from 203.0.113.${i % 250}`,
    eventName: 'authn_login_fail',
    attributes: {
      'enduser.id': `user${i % 97}`,
      'client.address': `203.0.113.${i % 250}`,
      'http.request.method': 'POST',
      'url.path': '/login',
      'http.response.status_code': 401,
      attempt: i % 5,
    },
  });
await provider.forceFlush();
const records = memory.getFinishedLogRecords();
const pb = Buffer.from(ProtobufLogsSerializer.serializeRequest(records));
const json = Buffer.from(JsonLogsSerializer.serializeRequest(records));

// As POST /v1/logs does: protobuf walked on the wire first (record count, attributes per record
// against the server.max_fields default), the mapping told the same attribute limit.
const limits = { maxRecords: 10_000, maxAttributes: 256 };
const mapOpts = { idScope: 'bench', maxAttributes: limits.maxAttributes };
const runJson = () => mapOtlpLogs(JSON.parse(json.toString('utf8')), mapOpts);
const runProto = () => mapOtlpLogs(decodeOtlpLogsProtobuf(pb, limits), mapOpts);
// Same answer from both encodings, ids included: the bench compares like with like.
const a = runJson().items;
const b = runProto().items;
if (a.length !== N || JSON.stringify(a) !== JSON.stringify(b))
  throw new Error('protobuf and JSON mapped differently');

function time(fn) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ITERS; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / ITERS;
}
for (let i = 0; i < 5; i++) {
  // warm up
  runJson();
  runProto();
}
console.log(
  `${N} records: protobuf ${pb.length} bytes, JSON ${json.length} bytes (${(json.length / pb.length).toFixed(2)}x)`,
);
const ratios = [];
for (let r = 0; r < ROUNDS; r++) {
  if (args.only === 'proto') {
    console.log(`round ${r}: proto ${time(runProto).toFixed(2)} ms/request`);
    continue;
  }
  const j = time(runJson);
  const p = time(runProto);
  ratios.push(p / j);
  console.log(
    `round ${r}: json ${j.toFixed(2)} ms, proto ${p.toFixed(2)} ms per request; proto/json ${(p / j).toFixed(2)}`,
  );
}
if (ratios.length) {
  ratios.sort((x, y) => x - y);
  console.log(`median proto/json: ${ratios[Math.floor(ratios.length / 2)].toFixed(2)}`);
}
await provider.shutdown();
