#!/usr/bin/env node
/**
 * A realistic, fully instrumented Express app (issue 4): sign-up, login with lockout, password
 * change, an admin area, notes owned by users (IDOR check), a file upload with validation, and a
 * route with a bug. State is in memory. Used by the end-to-end tests, the benchmarks and later
 * by `logwarden probe`.
 *
 *   node examples/app/server.mjs --port 0 [--endpoint URL --token TOKEN] [--spool DIR [--spool-max-bytes N]]
 *                                [--retry-max-ms N] [--sample 0..1] [--trust-proxy HOPS|CIDR,...] [--no-sdk]
 *                                [--decisions-token READ_TOKEN [--decisions-poll-ms N]]  (403 for blocked sources)
 *
 * Environment: LOGWARDEN_ENDPOINT, LOGWARDEN_TOKEN, LOGWARDEN_SPOOL, LOGWARDEN_SDK=off,
 * APP_SERVICE, APP_SAMPLE (share of plain requests recorded), APP_TRUST_PROXY (hops or CIDRs).
 * Without an endpoint the events are printed to stdout as NDJSON. Build first: npm run build.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { parseArgs } from 'node:util';
import express from 'express';
import { createSecurityLogger, setOperation, setSession, setUser } from '../../dist/index.js';
import { expressSecurity, validationError } from '../../dist/sdk/express.js';
import { createDecisionClient } from '../../dist/sdk/decisions.js';
import { createStdoutExporter } from './stdout-exporter.mjs';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '0' },
    host: { type: 'string', default: '127.0.0.1' },
    endpoint: { type: 'string', default: process.env.LOGWARDEN_ENDPOINT },
    token: { type: 'string', default: process.env.LOGWARDEN_TOKEN },
    spool: { type: 'string', default: process.env.LOGWARDEN_SPOOL },
    'spool-max-bytes': { type: 'string', default: process.env.LOGWARDEN_SPOOL_MAX_BYTES },
    'retry-max-ms': { type: 'string', default: process.env.LOGWARDEN_RETRY_MAX_MS ?? '30000' },
    service: { type: 'string', default: process.env.APP_SERVICE ?? 'example-shop' },
    sample: { type: 'string', default: process.env.APP_SAMPLE ?? '0' },
    'trust-proxy': { type: 'string', default: process.env.APP_TRUST_PROXY },
    'no-sdk': { type: 'boolean', default: process.env.LOGWARDEN_SDK === 'off' },
    // Opt-in enforcement of logwarden decisions (needs --endpoint and a read-scope token).
    'decisions-token': { type: 'string', default: process.env.LOGWARDEN_DECISIONS_TOKEN },
    'decisions-poll-ms': {
      type: 'string',
      default: process.env.LOGWARDEN_DECISIONS_POLL_MS ?? '5000',
    },
    quiet: { type: 'boolean', default: false },
  },
});

const sdkOn = !args['no-sdk'];
const trustProxy =
  args['trust-proxy'] === undefined
    ? false
    : /^\d+$/.test(args['trust-proxy'])
      ? Number(args['trust-proxy'])
      : args['trust-proxy'].split(',');

// ---- security logging (the part this example demonstrates) ----
const security = sdkOn
  ? createSecurityLogger({
      service: args.service,
      environment: process.env.NODE_ENV ?? 'development',
      version: '1.0.0',
      trustProxy,
      ...(args.endpoint
        ? {
            endpoint: args.endpoint,
            token: args.token,
            batch: { maxDelayMs: 200 },
            retry: { maxDelayMs: Number(args['retry-max-ms']) },
            ...(args.spool
              ? {
                  spool: {
                    dir: args.spool,
                    ...(args['spool-max-bytes']
                      ? { maxBytes: Number(args['spool-max-bytes']) }
                      : {}),
                  },
                }
              : {}),
          }
        : { exporter: createStdoutExporter() }),
    })
  : undefined;

const app = express();
app.disable('x-powered-by');
const decisions =
  security && args.endpoint && args['decisions-token']
    ? createDecisionClient({
        endpoint: args.endpoint,
        token: args['decisions-token'],
        pollIntervalMs: Number(args['decisions-poll-ms']),
      })
    : undefined;
const sec = security
  ? expressSecurity(security, {
      ...(decisions ? { isBlocked: decisions.isBlocked } : {}),
      requests: { sample: Number(args.sample) },
      sessionId: (req) => cookies(req).sid,
    })
  : undefined;
if (sec) app.use(sec.middleware);
const emit = (name, params, extra) => security?.emit(name, params, extra);
const op = (name) => (security ? setOperation(name) : undefined);

// ---- in-memory state ----
const users = new Map(); // id -> { id, email, hash, salt, role, failed, lockedUntil }
const byEmail = new Map();
const sessions = new Map(); // sid -> userId
const notes = new Map(); // id -> { id, owner, text }
let nextUser = 1;
let nextNote = 1;
const MAX_FAILS = 5;
const LOCK_MS = 15 * 60_000;
const products = Array.from({ length: 20 }, (_, i) => ({
  id: i + 1,
  name: `product ${i + 1}`,
  price: 5 + i,
}));

function cookies(req) {
  const out = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

const hashPassword = (password, salt) =>
  new Promise((resolve, reject) =>
    scrypt(password, salt, 32, (err, key) => (err ? reject(err) : resolve(key))),
  );

async function createUser(email, password, role = 'user') {
  const salt = randomBytes(16);
  const user = {
    id: `u${nextUser++}`,
    email,
    salt,
    hash: await hashPassword(password, salt),
    role,
    failed: 0,
    lockedUntil: 0,
  };
  users.set(user.id, user);
  byEmail.set(email, user);
  return user;
}

// Who is calling: the session cookie, resolved before any route.
app.use((req, _res, next) => {
  const uid = sessions.get(cookies(req).sid);
  req.user = uid ? users.get(uid) : undefined;
  if (req.user && security) setUser(req.user.id, req.user.email);
  next();
});

function requireUser(req, res, next) {
  if (!req.user) return res.status(401).json({ error: 'login required' });
  next();
}

const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,255}$/;

app.get('/healthz', (_req, res) => res.json({ ok: true }));

app.get('/products', (_req, res) => res.json(products));
app.get('/products/:id', (req, res) => {
  const p = products[Number(req.params.id) - 1];
  if (!p) return res.status(404).json({ error: 'not found' });
  res.json(p);
});

app.post('/signup', express.json({ limit: '16kb' }), async (req, res) => {
  op('signup');
  const { email, password } = req.body ?? {};
  const bad = [];
  if (typeof email !== 'string' || !EMAIL.test(email)) bad.push('email');
  if (typeof password !== 'string' || password.length < 10 || password.length > 200)
    bad.push('password');
  if (bad.length)
    throw validationError(bad, 'email must be an address; password needs 10 to 200 characters');
  if (byEmail.has(email)) return res.status(409).json({ error: 'email already registered' });
  const user = await createUser(email, password);
  emit('user_created', { userid: user.id, newuserid: user.id, attributes: ['email', 'password'] });
  res.status(201).json({ id: user.id });
});

app.post('/login', express.json({ limit: '16kb' }), async (req, res) => {
  op('login');
  const { email, password } = req.body ?? {};
  if (typeof email !== 'string' || typeof password !== 'string')
    throw validationError(['email', 'password']);
  const user = byEmail.get(email);
  if (!user) {
    // same answer and the same event for unknown users: no account enumeration
    emit(
      'authn_login_fail',
      { userid: email },
      { message: 'unknown user', fields: { 'event.reason': 'unknown_user' } },
    );
    return res.status(401).json({ error: 'invalid credentials' });
  }
  if (user.lockedUntil > Date.now()) {
    emit(
      'authn_login_fail',
      { userid: user.id },
      { message: 'account locked', fields: { 'event.reason': 'locked' } },
    );
    return res.status(401).json({ error: 'invalid credentials' });
  }
  const hash = await hashPassword(password, user.salt);
  if (!timingSafeEqual(hash, user.hash)) {
    user.failed++;
    emit(
      'authn_login_fail',
      { userid: user.id },
      { message: 'bad password', fields: { 'event.reason': 'bad_password' } },
    );
    if (user.failed >= MAX_FAILS) {
      user.lockedUntil = Date.now() + LOCK_MS;
      emit('authn_login_fail_max', { userid: user.id, maxlimit: MAX_FAILS });
      emit('authn_login_lock', { userid: user.id, reason: 'maxretries' });
    }
    return res.status(401).json({ error: 'invalid credentials' });
  }
  const retries = user.failed;
  user.failed = 0;
  const sid = randomBytes(24).toString('base64url');
  sessions.set(sid, user.id);
  if (security) {
    setUser(user.id, user.email);
    setSession(sid); // only its keyed hash is recorded
  }
  if (retries > 0) emit('authn_login_successafterfail', { userid: user.id, retries });
  else emit('authn_login_success', { userid: user.id });
  emit('session_created', { userid: user.id });
  res.setHeader('set-cookie', `sid=${sid}; HttpOnly; SameSite=Strict; Path=/`);
  res.json({ ok: true });
});

app.post('/logout', requireUser, (req, res) => {
  op('logout');
  sessions.delete(cookies(req).sid);
  emit('session_expired', { userid: req.user.id, reason: 'logout' });
  res.setHeader('set-cookie', 'sid=; Max-Age=0; Path=/');
  res.json({ ok: true });
});

app.post('/password', requireUser, express.json({ limit: '16kb' }), async (req, res) => {
  op('change_password');
  const { current, next } = req.body ?? {};
  if (typeof next !== 'string' || next.length < 10)
    throw validationError(['next'], 'new password needs 10 characters');
  const hash = await hashPassword(String(current ?? ''), req.user.salt);
  if (!timingSafeEqual(hash, req.user.hash)) {
    emit(
      'authn_password_change_fail',
      { userid: req.user.id },
      { message: 'current password wrong' },
    );
    return res.status(403).json({ error: 'current password wrong' });
  }
  req.user.salt = randomBytes(16);
  req.user.hash = await hashPassword(next, req.user.salt);
  emit('authn_password_change', { userid: req.user.id });
  res.json({ ok: true });
});

// ---- admin area ----
const admin = express.Router();
admin.use(requireUser, (req, res, next) => {
  op('admin_access'); // handlers name their own operation; this covers refusals at the guard
  if (req.user.role !== 'admin') return res.status(403).json({ error: 'admins only' }); // middleware records authz_fail
  next();
});
admin.get('/users', (req, res) => {
  op('list_users');
  emit('authz_admin', { userid: req.user.id, event: 'list_users' });
  res.json([...users.values()].map((u) => ({ id: u.id, email: u.email, role: u.role })));
});
admin.post('/users/:id/role', express.json({ limit: '4kb' }), (req, res) => {
  op('change_role');
  const target = users.get(req.params.id);
  const role = req.body?.role;
  if (!target) return res.status(404).json({ error: 'no such user' });
  if (role !== 'user' && role !== 'admin') {
    emit('input_validation_discrete_fail', { field: 'role', userid: req.user.id });
    return res.status(400).json({ error: 'role must be user or admin' });
  }
  emit('authz_change', { userid: target.id, from: target.role, to: role });
  target.role = role;
  res.json({ ok: true });
});
if (sec) admin.use(sec.enforce);
app.use('/admin', admin);

// ---- notes: resources owned by users ----
app.post('/notes', requireUser, express.json({ limit: '16kb' }), (req, res) => {
  op('create_note');
  const text = req.body?.text;
  if (typeof text !== 'string' || text.length === 0 || text.length > 2000)
    throw validationError(['text']);
  const note = { id: String(nextNote++), owner: req.user.id, text };
  notes.set(note.id, note);
  res.status(201).json({ id: note.id });
});
app.get('/notes/:id', requireUser, (req, res) => {
  op('read_note');
  const note = notes.get(req.params.id);
  if (!note) return res.status(404).json({ error: 'not found' });
  if (note.owner !== req.user.id) {
    // IDOR attempt: the id exists but belongs to someone else
    emit(
      'authz_fail',
      { userid: req.user.id, resource: `note:${note.id}` },
      { message: 'note owned by another user' },
    );
    return res.status(403).json({ error: 'forbidden' });
  }
  res.json(note);
});

// ---- upload with validation ----
const ALLOWED = [
  { type: 'image/png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
  { type: 'image/jpeg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
  { type: 'application/pdf', magic: Buffer.from('%PDF') },
];
app.post('/upload', requireUser, express.raw({ type: () => true, limit: '256kb' }), (req, res) => {
  op('upload_file');
  const filename = String(req.headers['x-filename'] ?? '');
  if (!/^[\w.-]{1,100}$/.test(filename))
    throw validationError(['filename'], 'filename may use letters, digits, dot, dash, underscore');
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const kind = ALLOWED.find((a) => body.subarray(0, a.magic.length).equals(a.magic));
  emit('upload_complete', {
    userid: req.user.id,
    filename,
    type: String(req.headers['content-type'] ?? ''),
  });
  if (!kind || kind.type !== req.headers['content-type']) {
    emit(
      'upload_validation',
      { filename, validator: 'magic-bytes', result: 'FAILED' },
      { severity: 'CRITICAL', outcome: 'failure' },
    );
    return res.status(400).json({ error: 'file type not allowed' });
  }
  emit(
    'upload_validation',
    { filename, validator: 'magic-bytes', result: 'passed' },
    { outcome: 'success' },
  );
  const stored = `${randomBytes(8).toString('hex')}-${filename}`;
  emit('upload_stored', { filename, from: filename, to: stored });
  res.status(201).json({ stored });
});

// ---- a bug ----
app.get('/reports/:year', requireUser, (req) => {
  op('build_report');
  const rows = req.params.year === '1999' ? undefined : [];
  return rows.length; // TypeError for 1999: an unhandled error
});

if (sec) app.use(sec.errorHandler);
else
  app.use((err, _req, res, _next) => {
    res
      .status(err.status ?? 500)
      .json({ error: (err.status ?? 500) < 500 ? 'bad_request' : 'internal_error' });
  });

// seed an admin for the admin-area flows
const adminPassword = process.env.APP_ADMIN_PASSWORD ?? 'admin-password-123';
await createUser('admin@example.test', adminPassword, 'admin');

const server = app.listen(Number(args.port), args.host, () => {
  const { port } = server.address();
  process.stdout.write(`listening on http://${args.host}:${port}\n`);
  if (!args.quiet)
    process.stderr.write(
      `security logging: ${sdkOn ? (args.endpoint ? `to ${args.endpoint}` : 'stdout') : 'off'}\n`,
    );
  emit('sys_startup', { userid: 'system' });
});
server.keepAliveTimeout = 30_000;

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  emit('sys_shutdown', { userid: 'system' });
  server.close();
  server.closeAllConnections?.();
  decisions?.close();
  await security?.shutdown();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Lets a test or the probe ask for the SDK's counters.
app.get('/__stats', (req, res) => {
  if (
    req.socket.remoteAddress !== '127.0.0.1' &&
    req.socket.remoteAddress !== '::1' &&
    req.socket.remoteAddress !== '::ffff:127.0.0.1'
  )
    return res.status(404).end();
  res.json(security?.stats() ?? { enabled: false });
});
