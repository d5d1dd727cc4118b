/**
 * Sigma taxonomy field names → logwarden event fields (ARCHITECTURE §5). Data, not code: each
 * Sigma field lists our fields in order of preference (the first one present wins); `@name`
 * entries are derived values computed from several fields. A Sigma field that is not in the
 * table is looked up as-is on the event and then in `attributes`, so rules written against our
 * own schema (`http.response.status_code: 500`) work unchanged. Users override or extend the
 * table with `fieldMappings` (per taxonomy).
 *
 * Why `cs-uri-query` is the full request target: SigmaHQ's webserver rules write
 * `cs-uri-query|contains: '/autodiscover.json'` — they assume the path plus query, as the ECS
 * pipelines' `url.original` mapping gives them; the query alone would miss such rules.
 *
 * @example
 * FIELD_MAPPINGS.webserver['cs-method'] // ['http.request.method']
 */

export type Taxonomy = 'webserver' | 'proxy' | 'linux' | 'logwarden';

/** Our field names (dotted, `attributes.x` reads `attributes['x']`) or `@derived` names. */
export type FieldSources = readonly string[];
export type FieldMapping = Readonly<Record<string, FieldSources>>;

const WEB_COMMON: FieldMapping = {
  'cs-method': ['http.request.method'],
  'cs-uri': ['@uri'],
  'c-uri': ['@uri'],
  'cs-uri-stem': ['url.path'],
  'c-uri-stem': ['url.path'],
  'c-uri-extension': ['@extension'],
  'sc-status': ['http.response.status_code'],
  'cs-user-agent': ['user_agent.original'],
  'c-useragent': ['user_agent.original'],
  'cs-referer': ['http.request.referrer'],
  'cs-referrer': ['http.request.referrer'],
  'c-ip': ['client.address'],
  src_ip: ['client.address'],
  clientip: ['client.address'],
  's-ip': ['server.address'],
  dst_ip: ['server.address'],
  'cs-host': ['attributes.url.domain', 'attributes.http.request.header.host', 'server.address'],
  'r-dns': ['attributes.url.domain', 'attributes.http.request.header.host', 'server.address'],
  'cs-username': ['user.name', 'user.id'],
  'sc-bytes': ['http.response.body.bytes'],
  'cs-bytes': ['attributes.http.request.body.bytes'],
  'cs-content-type': ['attributes.http.request.header.content-type'],
  'cs-cookie': ['attributes.http.request.header.cookie'],
  'cs-version': ['attributes.network.protocol.version'],
  host: ['host.name'],
};

export const FIELD_MAPPINGS: Readonly<Record<Taxonomy, FieldMapping>> = {
  webserver: { ...WEB_COMMON, 'cs-uri-query': ['@uri'] },
  proxy: { ...WEB_COMMON, 'cs-uri-query': ['@uri'], 'c-uri-query': ['url.query'] },
  // Linux service logs (syslog, sshd, sudo, ...): the message text carries most of it.
  linux: {
    host: ['host.name'],
    hostname: ['host.name'],
    USER: ['attributes.sudo.run_as', 'attributes.sudo.user', 'attributes.user.target.name'],
    pam_user: ['user.name'],
    pam_rhost: ['client.address'],
    user: ['user.name'],
    src_ip: ['client.address'],
    program: ['@program'],
    pid: ['attributes.process.pid'],
    message: ['message'],
  },
  logwarden: {},
};

/** Where the syslog program name may sit (parsers differ); first present wins. */
export const PROGRAM_FIELDS: readonly string[] = [
  'attributes.process.name',
  'attributes.syslog.appname',
  'attributes.syslog.app_name',
  'attributes.program',
];

/** Default fields that keyword (field-less) searches look at, per taxonomy. */
export const KEYWORD_FIELDS: Readonly<Record<Taxonomy, readonly string[]>> = {
  // The raw line when there is one; for SDK/OTLP requests (no raw line) the request parts.
  webserver: [
    'log.original',
    '@uri-if-no-original',
    'user_agent.original',
    'http.request.referrer',
    'message',
  ],
  proxy: [
    'log.original',
    '@uri-if-no-original',
    'user_agent.original',
    'http.request.referrer',
    'message',
  ],
  linux: ['log.original', 'message'],
  logwarden: ['log.original', 'message'],
};
