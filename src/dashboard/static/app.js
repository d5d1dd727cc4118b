// logwarden dashboard: plain DOM, no framework, no external resources. Every value from the
// server is put into the page as text (textContent / createTextNode), never parsed as HTML, so
// a hostile event field cannot run script (and the CSP forbids inline script anyway).
const $main = document.getElementById('main');
const state = { user: null, role: null, csrf: null, fields: null };
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'];
const PALETTE = [
  '#1f5fbf',
  '#e39b1b',
  '#1e7b45',
  '#b3261e',
  '#7b4fc4',
  '#0f8b8d',
  '#c2577a',
  '#6b7a8f',
  '#a36b12',
  '#2f9e6e',
];

// ---------- tiny DOM helpers ----------
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of kids.flat(3))
    if (c !== undefined && c !== null && c !== false)
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}
const SVGNS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) el.setAttribute(k, String(v));
  for (const c of kids.flat())
    if (c != null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}
function render(...nodes) {
  $main.replaceChildren(...nodes.flat());
}
const fmtTime = (ms) =>
  ms == null
    ? '—'
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, 'Z');
const fmtNum = (n) => (n == null ? '—' : Number(n).toLocaleString('en-US'));
function ago(ms) {
  if (ms == null) return '—';
  const d = Math.max(0, Date.now() - ms) / 1000;
  if (d < 90) return `${Math.round(d)} s ago`;
  if (d < 5400) return `${Math.round(d / 60)} min ago`;
  if (d < 129600) return `${Math.round(d / 3600)} h ago`;
  return `${Math.round(d / 86400)} days ago`;
}
const sevBadge = (sev) => h('span', { class: `badge sev sev-${sev}`, text: sev });
const statusBadge = (st) =>
  h('span', {
    class: `badge ${st === 'open' ? 'bad' : st === 'acknowledged' ? 'warn' : 'ok'}`,
    text: st.replace('_', ' '),
  });
const can = (p) =>
  ({
    viewer: ['read'],
    reviewer: ['read', 'triage', 'review'],
    admin: ['read', 'triage', 'review', 'admin'],
  })[state.role]?.includes(p) ?? false;

// ---------- API ----------
class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}
async function api(path, opts = {}) {
  const headers = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.method && opts.method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
  const res = await fetch(path, {
    method: opts.method ?? 'GET',
    headers,
    credentials: 'same-origin',
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  if (res.status === 401 && !path.endsWith('/login')) {
    state.user = null;
    showLogin('Your session ended: please log in again.');
    throw new ApiError(401, body);
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}
const errorBox = (e) =>
  h('div', { class: 'error', role: 'alert', text: e instanceof Error ? e.message : String(e) });

// ---------- login ----------
function showLogin(message) {
  document.getElementById('top').hidden = true;
  const err = h('div', { class: 'error', role: 'alert', hidden: !message, text: message ?? '' });
  const user = h('input', {
    id: 'login-user',
    name: 'user',
    autocomplete: 'username',
    required: true,
    autofocus: true,
  });
  const pw = h('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const form = h(
    'form',
    { class: 'panel login', id: 'login-form' },
    h('h1', { text: 'logwarden' }),
    h('p', { class: 'muted', text: 'Log in to review logs and alerts.' }),
    err,
    h('label', { for: 'login-user', text: 'User' }),
    user,
    h('label', { for: 'login-password', text: 'Password' }),
    pw,
    h('button', { type: 'submit', id: 'login-submit', text: 'Log in' }),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('/ui/api/login', {
        method: 'POST',
        body: { user: user.value, password: pw.value },
      });
      Object.assign(state, { user: r.user, role: r.role, csrf: r.csrf });
      if (!location.hash || location.hash === '#/login') location.hash = '#/overview';
      start();
    } catch (e) {
      pw.value = '';
      err.hidden = false;
      err.textContent = e.message;
    }
  });
  render(form);
}

// ---------- charts (inline SVG, drawn here) ----------
function stackedBars(rate) {
  const W = 900,
    H = 220,
    L = 48,
    B = 22,
    T = 8;
  const n = rate.counts[0]?.length ?? 0;
  const totals = Array.from({ length: n }, (_, i) => rate.counts.reduce((a, row) => a + row[i], 0));
  const max = Math.max(1, ...totals);
  const bw = (W - L) / Math.max(1, n);
  const svg = s('svg', {
    class: 'chart',
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': 'Events over time by kind',
  });
  for (let g = 0; g <= 4; g++) {
    const y = T + (H - B - T) * (1 - g / 4);
    svg.append(
      s('line', { x1: L, x2: W, y1: y, y2: y, stroke: '#e3e8ef' }),
      s('text', { x: L - 6, y: y + 4, 'text-anchor': 'end' }, fmtNum(Math.round((max * g) / 4))),
    );
  }
  for (let i = 0; i < n; i++) {
    let y = H - B;
    rate.counts.forEach((row, k) => {
      const v = row[i];
      if (!v) return;
      const hgt = ((H - B - T) * v) / max;
      y -= hgt;
      const r = s('rect', {
        x: L + i * bw + 0.5,
        y,
        width: Math.max(1, bw - 1),
        height: hgt,
        fill: PALETTE[k % PALETTE.length],
      });
      r.append(
        s('title', {}, `${rate.kinds[k]}: ${v} at ${fmtTime(rate.fromMs + i * rate.bucketMs)}`),
      );
      svg.append(r);
    });
  }
  const ticks = 6;
  for (let t = 0; t <= ticks; t++) {
    const i = Math.round(((n - 1) * t) / ticks);
    const d = new Date(rate.fromMs + i * rate.bucketMs);
    const label =
      rate.bucketMs >= 86400000
        ? d.toISOString().slice(5, 10)
        : d
            .toISOString()
            .slice(rate.bucketMs >= 3600000 ? 5 : 11, 16)
            .replace('T', ' ');
    svg.append(
      s(
        'text',
        { x: L + i * bw + bw / 2, y: H - 6, 'text-anchor': t === ticks ? 'end' : 'middle' },
        label,
      ),
    );
  }
  const legend = h(
    'div',
    { class: 'legend' },
    rate.kinds.map((k, i) => h('span', {}, legendSwatch(PALETTE[i % PALETTE.length]), k)),
  );
  return [svg, legend];
}
function legendSwatch(color) {
  const sw = s(
    'svg',
    { width: 11, height: 11, viewBox: '0 0 11 11' },
    s('rect', { width: 11, height: 11, rx: 2, fill: color }),
  );
  sw.setAttribute('class', 'swatch');
  return sw;
}
function barList(items, { href, colorOf } = {}) {
  if (!items.length) return h('p', { class: 'muted', text: 'Nothing in this period.' });
  const max = Math.max(1, ...items.map((i) => i.count));
  return h(
    'div',
    { class: 'bars' },
    items.map((i) => {
      const fill = s(
        'svg',
        { viewBox: '0 0 100 10', preserveAspectRatio: 'none', width: '100%', height: 10 },
        s('rect', {
          width: (100 * i.count) / max,
          height: 10,
          rx: 1.5,
          fill: colorOf ? colorOf(i.value) : '#1f5fbf',
        }),
      );
      return h(
        'div',
        { class: 'bar' },
        href
          ? h('a', { href: href(i.value), title: i.value, text: i.value })
          : h('span', { title: i.value, text: i.value }),
        h('div', { class: 'track' }, fill),
        h('b', { text: fmtNum(i.count) }),
      );
    }),
  );
}
const SEV_COLORS = {
  critical: '#8e1b1b',
  high: '#d2452b',
  medium: '#e39b1b',
  low: '#3b82c4',
  informational: '#8a96a8',
};
const q = (field, value) =>
  `#/events?q=${encodeURIComponent(`${field}:${JSON.stringify(String(value))}`)}&range=24h`;

// ---------- pages ----------
async function pageOverview(params) {
  const range = params.get('range') ?? '24h';
  const o = await api(`/ui/api/overview?range=${encodeURIComponent(range)}`);
  const rangeSel = h(
    'select',
    {
      id: 'overview-range',
      onchange: (e) => (location.hash = `#/overview?range=${e.target.value}`),
    },
    ['1h', '24h', '7d', '30d'].map((r) =>
      h('option', { value: r, selected: r === range, text: `last ${r}` }),
    ),
  );
  const sev = SEVERITIES.map((s2) => ({ value: s2, count: o.alerts_by_severity[s2] ?? 0 }));
  const totalInRange = o.rate.counts.flat().reduce((a, b) => a + b, 0);
  const ledger = o.ledger
    ? h(
        'dl',
        { class: 'kv' },
        h('dt', { text: 'Latest checkpoint' }),
        h('dd', {
          text: o.ledger.checkpoint
            ? `size ${fmtNum(o.ledger.checkpoint.size)}, signed ${ago(o.ledger.checkpoint.timeMs)}`
            : 'none signed yet',
        }),
        h('dt', { text: 'Root' }),
        h('dd', { class: 'mono', text: o.ledger.checkpoint?.root ?? '—' }),
        h('dt', { text: 'Not yet covered' }),
        h(
          'dd',
          {},
          o.ledger.uncovered > 0
            ? h('span', { class: 'badge warn', text: `${fmtNum(o.ledger.uncovered)} events` })
            : h('span', { class: 'badge ok', text: 'all covered' }),
        ),
        h('dt', { text: 'Replicas' }),
        h(
          'dd',
          {},
          o.ledger.replicas.length
            ? o.ledger.replicas.map((r) =>
                h(
                  'div',
                  {},
                  `${r.cosigner}: cosigned size ${fmtNum(r.size)} ${ago(r.receivedMs)} `,
                  r.size >= (o.ledger.checkpoint?.size ?? 0)
                    ? h('span', { class: 'badge ok', text: 'in sync' })
                    : h('span', { class: 'badge warn', text: 'behind' }),
                ),
              )
            : h('span', { class: 'muted', text: 'no replica has cosigned' }),
        ),
      )
    : h('p', {
        class: 'muted',
        text: 'The ledger has not signed a checkpoint in this data directory (ledger disabled or not started yet).',
      });
  render(
    h('div', { class: 'row' }, h('h1', { class: 'grow', text: 'Overview' }), rangeSel),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'panel wide', id: 'rate-panel' },
        h('h2', {
          text: `Events by kind — ${fmtNum(totalInRange)} in the last ${range} (${fmtNum(o.total_events)} stored)`,
        }),
        totalInRange
          ? stackedBars(o.rate)
          : h('p', { class: 'muted', text: 'No events in this period.' }),
      ),
      h(
        'section',
        { class: 'panel', id: 'alerts-panel' },
        h(
          'h2',
          {},
          h('a', { href: '#/alerts?status=open,acknowledged', text: 'Open alerts by severity' }),
        ),
        barList(sev, {
          href: (v) => `#/alerts?status=open,acknowledged&min_severity=${v}`,
          colorOf: (v) => SEV_COLORS[v],
        }),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', { text: 'Top sources' }),
        barList(o.top_sources, { href: (v) => q('source', v) }),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', { text: 'Users with failures' }),
        barList(o.top_failed_users, { href: (v) => q('user', v), colorOf: () => '#b3261e' }),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', { text: 'Addresses with failures' }),
        barList(o.top_failed_ips, { href: (v) => q('ip', v), colorOf: () => '#b3261e' }),
      ),
      h(
        'section',
        { class: 'panel', id: 'silent-panel' },
        h('h2', { text: 'Silent sources' }),
        o.silent.length
          ? h(
              'ul',
              {},
              o.silent.map((x) =>
                h(
                  'li',
                  {},
                  h('a', { href: '#/sources', text: x.source }),
                  ` — last seen ${ago(x.lastSeenMs)}`,
                ),
              ),
            )
          : h(
              'p',
              {},
              h('span', { class: 'badge ok', text: 'none' }),
              ' every source is sending as usual',
            ),
      ),
      h(
        'section',
        { class: 'panel', id: 'ledger-panel' },
        h('h2', { text: 'Integrity (ledger)' }),
        ledger,
      ),
    ),
  );
}

function fieldSuggest(input, onPick) {
  const list = h('ul', { hidden: true, role: 'listbox', id: 'field-suggestions' });
  let items = [];
  let sel = 0;
  const tokenAt = () => {
    const upto = input.value.slice(0, input.selectionStart ?? input.value.length);
    const m = /(^|[\s(])(-?)([A-Za-z_][\w.]*)$/.exec(upto);
    return m ? { word: m[3], start: upto.length - m[3].length } : undefined;
  };
  const close = () => ((list.hidden = true), (items = []));
  const pick = (f) => {
    const t = tokenAt();
    if (!t) return;
    const end = input.selectionStart ?? input.value.length;
    input.value = input.value.slice(0, t.start) + f.name + ':' + input.value.slice(end);
    const pos = t.start + f.name.length + 1;
    input.setSelectionRange(pos, pos);
    close();
    input.focus();
    onPick?.();
  };
  const update = () => {
    const t = tokenAt();
    if (!t || !state.fields) return close();
    const w = t.word.toLowerCase();
    items = state.fields
      .filter((f) => f.name.toLowerCase().startsWith(w) || f.aliases.some((a) => a.startsWith(w)))
      .slice(0, 12);
    if (!items.length || (items.length === 1 && items[0].name === t.word)) return close();
    sel = 0;
    list.replaceChildren(
      ...items.map((f, i) =>
        h(
          'li',
          {
            class: i === sel ? 'sel' : '',
            role: 'option',
            onmousedown: (e) => (e.preventDefault(), pick(f)),
          },
          h('span', { class: 'mono', text: f.name }),
          h('span', {
            class: 'muted',
            text: [f.aliases.join(', '), f.kind].filter(Boolean).join(' · '),
          }),
        ),
      ),
    );
    list.hidden = false;
  };
  input.addEventListener('input', update);
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      sel = (sel + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      [...list.children].forEach((li, i) => li.classList.toggle('sel', i === sel));
    } else if (e.key === 'Tab' || (e.key === 'Enter' && items.length)) {
      e.preventDefault();
      pick(items[sel]);
    } else if (e.key === 'Escape') close();
  });
  return list;
}

const NO_PIVOT = new Set([
  'seq',
  'id',
  'time',
  'observed_time',
  'severity_number',
  'log.original',
  'message',
]);
const RANGES = { '15m': '-15m', '1h': '-1h', '24h': '-24h', '7d': '-7d', '30d': '-30d', all: '' };
async function pageEvents(params) {
  state.fields ??= (await api('/ui/api/fields')).fields;
  const qs = params.get('q') ?? '';
  const range = params.get('range') ?? '24h';
  const input = h('input', {
    id: 'query',
    class: 'mono',
    value: qs,
    placeholder: 'e.g. name:authn_login_fail ip:203.0.113.0/24 -status:200',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-label': 'Query',
  });
  const from = h('input', {
    id: 'from',
    type: 'datetime-local',
    value: params.get('from') ?? '',
    'aria-label': 'From (UTC)',
  });
  const to = h('input', {
    id: 'to',
    type: 'datetime-local',
    value: params.get('to') ?? '',
    'aria-label': 'To (UTC)',
  });
  const rangeSel = h(
    'select',
    { id: 'range', 'aria-label': 'Time range' },
    [...Object.keys(RANGES), 'custom'].map((r) =>
      h('option', {
        value: r,
        selected: r === range,
        text: r === 'all' ? 'all time' : r === 'custom' ? 'custom…' : `last ${r}`,
      }),
    ),
  );
  const custom = h(
    'span',
    { class: 'row', hidden: range !== 'custom' },
    'from',
    from,
    'to',
    to,
    h('span', { class: 'muted', text: '(UTC)' }),
  );
  rangeSel.addEventListener('change', () => (custom.hidden = rangeSel.value !== 'custom'));
  const go = () => {
    const p = new URLSearchParams({ q: input.value, range: rangeSel.value });
    if (rangeSel.value === 'custom') (p.set('from', from.value), p.set('to', to.value));
    location.hash = `#/events?${p}`;
  };
  const form = h(
    'form',
    { class: 'row', id: 'search-form' },
    h('div', { class: 'ac grow' }, input, fieldSuggest(input)),
    rangeSel,
    custom,
    h('button', { type: 'submit', text: 'Search' }),
  );
  form.addEventListener('submit', (e) => (e.preventDefault(), go()));
  const tbody = h('tbody', { id: 'results' });
  const more = h('button', {
    class: 'secondary',
    id: 'more',
    hidden: true,
    text: 'Load older events',
  });
  const status = h('p', { class: 'muted', id: 'result-count' });
  const box = h('div', {});
  render(
    h('h1', { text: 'Events' }),
    form,
    box,
    h(
      'div',
      { class: 'panel' },
      status,
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['time', 'event', 'source', 'user', 'address', 'outcome', 'message'].map((c) =>
              h('th', { text: c }),
            ),
          ),
        ),
        tbody,
      ),
      h('div', { class: 'spacer' }),
      more,
    ),
  );
  const p = new URLSearchParams({ limit: '50' });
  if (qs) p.set('q', qs);
  if (range === 'custom') {
    if (from.value) p.set('after', new Date(from.value + 'Z').toISOString());
    if (to.value) p.set('before', new Date(to.value + 'Z').toISOString());
  } else if (RANGES[range]) p.set('after', RANGES[range]);
  let shown = 0;
  const load = async (cursor) => {
    if (cursor) p.set('cursor', cursor);
    more.disabled = true;
    try {
      const r = await api(`/ui/api/events?${p}`);
      for (const e of r.events) tbody.append(eventRow(e));
      shown += r.events.length;
      status.textContent = `${fmtNum(shown)} event${shown === 1 ? '' : 's'} shown, newest first${r.next_cursor ? ' — more below' : ''}`;
      more.hidden = !r.next_cursor;
      more.disabled = false;
      more.onclick = () => load(r.next_cursor);
    } catch (e) {
      box.replaceChildren(errorBox(e));
    }
  };
  await load();
}
function eventRow(e) {
  const ev = e.event ?? {};
  const id = ev.id ?? e.id;
  return h(
    'tr',
    {
      class: 'click',
      'data-id': id,
      onclick: () => (location.hash = `#/events/${encodeURIComponent(id)}`),
    },
    h('td', { class: 'mono', text: fmtTime(Date.parse(ev.time)) }),
    h(
      'td',
      {},
      h('a', { href: `#/events/${encodeURIComponent(id)}`, text: ev['event.name'] ?? '(pruned)' }),
    ),
    h('td', { text: e.source }),
    h('td', { text: ev['user.id'] ?? '' }),
    h('td', { class: 'mono', text: ev['client.address'] ?? '' }),
    h('td', { text: ev['event.outcome'] ?? '' }),
    h('td', { class: 'wrap', text: (ev.message ?? ev['log.original'] ?? '').slice(0, 160) }),
  );
}
function flatten(obj, prefix = '', out = []) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out.push([key, v]);
  }
  return out;
}
async function pageEvent(id) {
  const r = await api(`/ui/api/events/${encodeURIComponent(id)}`);
  const e = r.event;
  const ev = e.event ?? {};
  const rows = [['seq', e.seq], ['source', e.source], ...flatten(ev)];
  render(
    h(
      'div',
      { class: 'row' },
      h('h1', { class: 'grow', text: `Event ${ev['event.name'] ?? ''}` }),
      h('a', {
        href: '#/events',
        text: '← back',
        onclick: (x) => (x.preventDefault(), history.back()),
      }),
    ),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'panel wide', id: 'event-fields' },
        h('h2', { text: 'Every field' }),
        h(
          'table',
          {},
          h(
            'tbody',
            {},
            rows.map(([k, v]) => {
              const text = Array.isArray(v) ? v.join(', ') : String(v);
              // Pivot where a value is shared by other events (not on ids and timestamps).
              const pivotField = NO_PIVOT.has(k) ? null : k;
              return h(
                'tr',
                {},
                h('th', { class: 'mono field', text: k }),
                h('td', { class: 'wrap mono field-value', text }),
                h(
                  'td',
                  {},
                  pivotField && typeof v !== 'object' && text.length < 300
                    ? h('a', {
                        class: 'pivot',
                        href: q(pivotField, v).replace('&range=24h', '&range=all'),
                        title: `All events with ${k} = ${text}`,
                        text: 'all events with this value',
                      })
                    : '',
                ),
              );
            }),
          ),
        ),
      ),
      h(
        'section',
        { class: 'panel wide' },
        h('h2', { text: 'Original line' }),
        ev['log.original']
          ? h('pre', { id: 'original', text: ev['log.original'] })
          : h('p', { class: 'muted', text: 'This event was sent structured (no original line).' }),
      ),
      h(
        'section',
        { class: 'panel wide' },
        h('h2', { text: 'As stored (pretty-printed; the ledger hashes the canonical bytes)' }),
        h('pre', { id: 'raw', text: JSON.stringify(ev, null, 2) }),
        h('p', { class: 'muted mono', text: `leaf hash ${r.leaf_hash}` }),
      ),
    ),
  );
}

async function pageAlerts(params) {
  const status = params.get('status') ?? 'open,acknowledged';
  const minSev = params.get('min_severity') ?? '';
  const entity = params.get('entity') ?? '';
  const offset = Number(params.get('offset') ?? 0);
  const p = new URLSearchParams({ offset: String(offset) });
  if (status) p.set('status', status);
  if (minSev) p.set('min_severity', minSev);
  if (entity) p.set('entity', entity);
  const r = await api(`/ui/api/alerts?${p}`);
  const stSel = h(
    'select',
    { id: 'f-status' },
    [
      ['open,acknowledged', 'open or acknowledged'],
      ['open', 'open'],
      ['acknowledged', 'acknowledged'],
      ['resolved', 'resolved'],
      ['false_positive', 'false positive'],
      ['', 'any status'],
    ].map(([v, t]) => h('option', { value: v, selected: v === status, text: t })),
  );
  const sevSel = h(
    'select',
    { id: 'f-severity' },
    h('option', { value: '', text: 'any severity' }),
    SEVERITIES.map((v) => h('option', { value: v, selected: v === minSev, text: `${v} or worse` })),
  );
  const entIn = h('input', {
    id: 'f-entity',
    value: entity,
    placeholder: 'entity (IP, user, source)',
  });
  const filters = h(
    'form',
    { class: 'row' },
    stSel,
    sevSel,
    entIn,
    h('button', { type: 'submit', text: 'Filter' }),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/alerts?${new URLSearchParams({ status: stSel.value, min_severity: sevSel.value, entity: entIn.value })}`;
  });
  const checks = [];
  const msg = h('div', {});
  const bulk = h(
    'div',
    { class: 'actions', id: 'bulk' },
    h('span', { class: 'muted', text: 'Selected:' }),
    ['acknowledge', 'resolve', 'false_positive'].map((a) =>
      h('button', {
        class: 'secondary',
        'data-bulk': a,
        disabled: !can('triage'),
        text: a.replace('_', ' '),
        onclick: async () => {
          const ids = checks.filter((c) => c.checked).map((c) => c.value);
          if (!ids.length)
            return msg.replaceChildren(h('div', { class: 'notice', text: 'Select alerts first.' }));
          try {
            const res = await api('/ui/api/alerts/bulk', {
              method: 'POST',
              body: { ids, action: a },
            });
            const failed = res.results.filter((x) => !x.ok);
            sessionStorage.setItem(
              'flash',
              `${ids.length - failed.length} alert(s): ${a.replace('_', ' ')}${failed.length ? `; ${failed.length} refused (${failed[0].error})` : ''}`,
            );
            route();
          } catch (e) {
            msg.replaceChildren(errorBox(e));
          }
        },
      }),
    ),
  );
  const flash = sessionStorage.getItem('flash');
  sessionStorage.removeItem('flash');
  const all = h('input', {
    type: 'checkbox',
    'aria-label': 'select all',
    onchange: (e) => checks.forEach((c) => (c.checked = e.target.checked)),
  });
  render(
    h('h1', { text: 'Alerts' }),
    filters,
    flash ? h('div', { class: 'notice', text: flash }) : '',
    msg,
    can('triage')
      ? bulk
      : h('p', {
          class: 'notice',
          text: `Your role (${state.role}) can look at alerts but not act on them.`,
        }),
    h(
      'div',
      { class: 'panel' },
      r.alerts.length
        ? h(
            'table',
            { id: 'alert-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, all),
                ['severity', 'alert', 'entity', 'count', 'last seen', 'status', 'assignee'].map(
                  (c) => h('th', { text: c }),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              r.alerts.map((a) => {
                const c = h('input', {
                  type: 'checkbox',
                  value: a.id,
                  'aria-label': `select ${a.title}`,
                });
                checks.push(c);
                return h(
                  'tr',
                  { 'data-id': a.id },
                  h('td', {}, c),
                  h('td', {}, sevBadge(a.severity)),
                  h(
                    'td',
                    {},
                    h('a', { href: `#/alerts/${a.id}`, text: a.title }),
                    h('div', { class: 'muted', text: a.summary }),
                  ),
                  h('td', { class: 'mono', text: `${a.entity.type} ${a.entity.value}` }),
                  h('td', { text: fmtNum(a.count) }),
                  h('td', { text: ago(a.last_seen) }),
                  h('td', {}, statusBadge(a.status)),
                  h('td', { text: a.assignee ?? '' }),
                );
              }),
            ),
          )
        : h('p', { class: 'muted', text: 'No alert matches these filters.' }),
      h(
        'div',
        { class: 'row' },
        offset > 0
          ? h('a', {
              href: `#/alerts?${new URLSearchParams({ status, min_severity: minSev, entity, offset: String(Math.max(0, offset - 50)) })}`,
              text: '← newer',
            })
          : '',
        r.next_offset != null
          ? h('a', {
              href: `#/alerts?${new URLSearchParams({ status, min_severity: minSev, entity, offset: String(r.next_offset) })}`,
              text: 'older →',
            })
          : '',
      ),
    ),
  );
}

async function pageAlert(id) {
  const { alert: a, history } = await api(`/ui/api/alerts/${encodeURIComponent(id)}`);
  const msg = h('div', {});
  const act = async (action, detail) => {
    try {
      await api(`/ui/api/alerts/${encodeURIComponent(id)}/actions`, {
        method: 'POST',
        body: { action, ...(detail ? { detail } : {}) },
      });
      sessionStorage.setItem('flash', `Done: ${action.replace('_', ' ')}`);
      route();
    } catch (e) {
      msg.replaceChildren(errorBox(e));
    }
  };
  const triage = can('triage');
  const assignee = h('input', {
    id: 'assignee',
    placeholder: 'assign to…',
    value: a.assignee ?? '',
  });
  const note = h('textarea', {
    id: 'note',
    placeholder: 'Add a note (what you checked, what you decided)',
  });
  const flash = sessionStorage.getItem('flash');
  sessionStorage.removeItem('flash');
  const btn = (action, label, enabled) =>
    h('button', {
      id: `act-${action}`,
      class: action === 'acknowledge' ? '' : 'secondary',
      disabled: !triage || !enabled,
      onclick: () => act(action),
      text: label,
    });
  const fields = Object.keys(a.events[0]?.fields ?? {});
  render(
    h(
      'div',
      { class: 'row' },
      h('h1', { class: 'grow' }, sevBadge(a.severity), ' ', a.rule.title),
      statusBadge(a.status),
    ),
    flash ? h('div', { class: 'notice', text: flash }) : '',
    msg,
    triage
      ? ''
      : h('p', {
          class: 'notice',
          id: 'readonly-note',
          text: `Your role (${state.role}) can look at alerts but not act on them.`,
        }),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'panel' },
        h('h2', { text: 'What' }),
        h('p', { text: a.summary }),
        h(
          'dl',
          { class: 'kv' },
          h('dt', { text: 'entity' }),
          h(
            'dd',
            {},
            a.entity.type === 'none'
              ? '—'
              : h('a', {
                  href: q(
                    a.entity.type === 'ip'
                      ? 'ip'
                      : a.entity.type === 'user'
                        ? 'user'
                        : a.entity.type === 'host'
                          ? a.groupKey?.['client.address'] === a.entity.value ||
                            a.events?.[0]?.fields?.['client.address'] === a.entity.value
                            ? 'client.address'
                            : 'host.name'
                          : 'source',
                    a.entity.value,
                  ),
                  text: `${a.entity.type} ${a.entity.value}`,
                }),
          ),
          h('dt', { text: 'rule' }),
          h('dd', { class: 'mono', text: a.rule.name ?? a.rule.id ?? '' }),
          h('dt', { text: 'count' }),
          h('dd', { text: fmtNum(a.count) }),
          h('dt', { text: 'first / last' }),
          h('dd', { text: `${fmtTime(a.firstSeenMs)} – ${fmtTime(a.lastSeenMs)}` }),
          h('dt', { text: 'ATT&CK' }),
          h('dd', { text: a.attack.join(', ') || '—' }),
          h('dt', { text: 'assignee' }),
          h('dd', { text: a.assignee ?? '—' }),
        ),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', { text: 'Act' }),
        h(
          'div',
          { class: 'actions' },
          btn('acknowledge', 'Acknowledge', a.status === 'open'),
          btn('resolve', 'Resolve', a.status === 'open' || a.status === 'acknowledged'),
          btn(
            'false_positive',
            'False positive',
            a.status === 'open' || a.status === 'acknowledged',
          ),
          btn('reopen', 'Reopen', a.status !== 'open'),
        ),
        h('div', { class: 'spacer' }),
        h(
          'div',
          { class: 'row' },
          assignee,
          h('button', {
            class: 'secondary',
            id: 'act-assign',
            disabled: !triage,
            text: 'Assign',
            onclick: () => assignee.value.trim() && act('assign', assignee.value.trim()),
          }),
        ),
        note,
        h(
          'div',
          { class: 'row' },
          h('button', {
            class: 'secondary',
            id: 'act-note',
            disabled: !triage,
            text: 'Add note',
            onclick: () => note.value.trim() && act('note', note.value.trim()),
          }),
        ),
      ),
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {
          text: `Triggering events (${a.events.length}${a.eventsOmitted ? ` + ${a.eventsOmitted} not kept` : ''})`,
        }),
        a.events.length
          ? h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { text: 'time' }),
                  fields.map((f) => h('th', { text: f })),
                ),
              ),
              h(
                'tbody',
                {},
                a.events.map((e) =>
                  h(
                    'tr',
                    {
                      class: e.id ? 'click' : '',
                      onclick: () => e.id && (location.hash = `#/events/${e.id}`),
                    },
                    h('td', { class: 'mono', text: e.time ?? '' }),
                    fields.map((f) =>
                      h('td', {
                        class: 'wrap',
                        text: e.fields[f] == null ? '' : String(e.fields[f]),
                      }),
                    ),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted', text: 'No triggering events (a system alert).' }),
      ),
      h(
        'section',
        { class: 'panel wide', id: 'history' },
        h('h2', { text: 'Timeline' }),
        h(
          'ol',
          { class: 'timeline' },
          history.map((x) =>
            h(
              'li',
              {},
              h('b', { text: x.action.replace('_', ' ') }),
              ` by ${x.actor} · ${fmtTime(x.timeMs)}`,
              x.detail ? h('div', { class: 'muted', text: x.detail }) : '',
            ),
          ),
        ),
      ),
    ),
  );
}

async function pageReviews() {
  const r = await api('/ui/api/reviews');
  const msg = h('div', {});
  const form = can('admin') ? newTaskForm(msg) : '';
  render(
    h(
      'div',
      { class: 'row' },
      h('h1', { class: 'grow', text: 'Review' }),
      h('span', { class: 'muted', text: 'Export for an assessor:' }),
      ['md', 'html', 'json'].map((f) =>
        h('a', {
          href: `/ui/api/reviews/report?format=${f}`,
          download: `log-review-report.${f}`,
          id: `export-${f}`,
          text: { md: 'Markdown', html: 'HTML', json: 'JSON' }[f],
        }),
      ),
    ),
    msg,
    h(
      'div',
      { class: 'panel' },
      r.tasks.length
        ? h(
            'table',
            { id: 'review-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['task', 'scope', 'frequency', 'last sign-off', 'due', 'state'].map((c) =>
                  h('th', { text: c }),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              r.tasks.map((t) =>
                h(
                  'tr',
                  {
                    class: 'click',
                    'data-id': t.id,
                    onclick: () => (location.hash = `#/reviews/${t.id}`),
                  },
                  h('td', {}, h('a', { href: `#/reviews/${t.id}`, text: t.name })),
                  h('td', {
                    text:
                      t.scope_kind === 'all' ? 'everything' : `${t.scope_kind} ${t.scope_value}`,
                  }),
                  h('td', {
                    text:
                      t.frequency === 'custom'
                        ? `every ${Math.round(t.every_secs / 3600)} h`
                        : t.frequency,
                  }),
                  h('td', { text: t.last_signoff ? ago(t.last_signoff) : 'never' }),
                  h('td', { text: fmtTime(t.due) }),
                  h(
                    'td',
                    {},
                    t.overdue
                      ? h('span', { class: 'badge bad', text: 'overdue' })
                      : t.due_now
                        ? h('span', { class: 'badge warn', text: 'due' })
                        : h('span', { class: 'badge ok', text: 'done for now' }),
                  ),
                ),
              ),
            ),
          )
        : h('p', {
            class: 'muted',
            text: can('admin')
              ? 'No review task yet: create one below.'
              : 'No review task yet: an admin creates them.',
          }),
    ),
    h('div', { class: 'spacer' }),
    form,
  );
}
function newTaskForm(msg) {
  const name = h('input', {
    id: 'task-name',
    placeholder: 'e.g. Web app daily review',
    required: true,
  });
  const kind = h(
    'select',
    { id: 'task-scope' },
    [
      ['all', 'everything'],
      ['source', 'one source'],
      ['category', 'one category'],
    ].map(([v, t]) => h('option', { value: v, text: t })),
  );
  const value = h('input', {
    id: 'task-scope-value',
    placeholder: 'source or category',
    hidden: true,
  });
  kind.addEventListener('change', () => {
    value.hidden = kind.value === 'all';
    value.placeholder = kind.value === 'category' ? 'category, e.g. authn' : 'source name';
  });
  const freq = h(
    'select',
    { id: 'task-frequency' },
    ['daily', 'weekly', 'custom'].map((v) => h('option', { value: v, text: v })),
  );
  const hours = h('input', {
    id: 'task-hours',
    type: 'number',
    min: 1,
    value: 12,
    hidden: true,
    'aria-label': 'hours',
  });
  freq.addEventListener('change', () => (hours.hidden = freq.value !== 'custom'));
  const f = h(
    'form',
    { class: 'panel', id: 'task-form' },
    h('h2', { text: 'New review task' }),
    h(
      'div',
      { class: 'row' },
      name,
      kind,
      value,
      freq,
      hours,
      h('button', { type: 'submit', text: 'Create' }),
    ),
  );
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('/ui/api/reviews', {
        method: 'POST',
        body: {
          name: name.value,
          scope_kind: kind.value,
          scope_value: value.value,
          frequency: freq.value,
          ...(freq.value === 'custom' ? { every_secs: Number(hours.value) * 3600 } : {}),
        },
      });
      route();
    } catch (er) {
      msg.replaceChildren(errorBox(er));
    }
  });
  return f;
}
async function pageReview(id) {
  const r = await api(`/ui/api/reviews/${encodeURIComponent(id)}`);
  const t = r.task;
  const d = r.due;
  const msg = h('div', {});
  const notes = h('textarea', {
    id: 'signoff-notes',
    placeholder: 'What you looked at and what you concluded',
  });
  const exc = h('textarea', {
    id: 'signoff-exceptions',
    placeholder: 'Exceptions found, one per line (leave empty when none)',
  });
  const submit = h('button', {
    id: 'signoff-submit',
    disabled: !can('review'),
    text: 'Sign off this review',
  });
  submit.addEventListener('click', async () => {
    try {
      const exceptions = exc.value
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean);
      await api(`/ui/api/reviews/${t.id}/signoff`, {
        method: 'POST',
        body: { notes: notes.value, exceptions },
      });
      sessionStorage.setItem(
        'flash',
        'Signed off. The sign-off is stored as a review_signoff event in the ledger.',
      );
      route();
    } catch (e) {
      msg.replaceChildren(errorBox(e));
    }
  });
  const flash = sessionStorage.getItem('flash');
  sessionStorage.removeItem('flash');
  render(
    h(
      'div',
      { class: 'row' },
      h('h1', { class: 'grow', text: t.name }),
      t.overdue
        ? h('span', { class: 'badge bad', text: 'overdue' })
        : t.due_now
          ? h('span', { class: 'badge warn', text: 'due' })
          : h('span', { class: 'badge ok', text: 'done for now' }),
    ),
    flash ? h('div', { class: 'notice', id: 'flash', text: flash }) : '',
    msg,
    h('p', {
      class: 'muted',
      text: `${t.scope_kind === 'all' ? 'Everything' : `${t.scope_kind} ${t.scope_value}`} · ${t.frequency} · due ${fmtTime(t.due)} · covering ${fmtTime(d.since)} – now`,
    }),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'panel' },
        h('h2', { text: 'Since the last review' }),
        h(
          'dl',
          { class: 'kv', id: 'due-summary' },
          h('dt', { text: 'events in scope' }),
          h('dd', { text: fmtNum(d.events_in_scope) }),
          h('dt', { text: 'new alerts' }),
          h('dd', { text: fmtNum(d.alerts.length) }),
          h('dt', { text: 'anomalies' }),
          h('dd', { text: fmtNum(d.anomalies.length) }),
          h('dt', { text: 'notable events' }),
          h('dd', { text: fmtNum(d.notable_total) }),
        ),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', { text: 'Sign off' }),
        msg,
        h('label', { class: 'block', for: 'signoff-notes', text: 'Notes' }),
        notes,
        h('label', { class: 'block', for: 'signoff-exceptions', text: 'Exceptions found' }),
        exc,
        h('div', { class: 'spacer' }),
        submit,
        can('review')
          ? ''
          : h('p', { class: 'muted', text: `Your role (${state.role}) cannot sign off.` }),
      ),
      h(
        'section',
        { class: 'panel wide' },
        h('h2', { text: 'New alerts' }),
        d.alerts.length
          ? h(
              'ul',
              {},
              d.alerts.map((a) =>
                h(
                  'li',
                  {},
                  sevBadge(a.severity),
                  ' ',
                  h('a', { href: `#/alerts/${a.id}`, text: a.title }),
                  ` · ${a.status} · ×${a.count}`,
                ),
              ),
            )
          : h('p', { class: 'muted', text: 'None.' }),
      ),
      h(
        'section',
        { class: 'panel wide' },
        h('h2', { text: 'Anomalies' }),
        d.anomalies.length
          ? h(
              'ul',
              {},
              d.anomalies.map((a) =>
                h(
                  'li',
                  {},
                  sevBadge(a.severity),
                  ' ',
                  h('a', { href: `#/alerts/${a.id}`, text: a.title }),
                  ` — ${a.summary}`,
                ),
              ),
            )
          : h('p', { class: 'muted', text: 'None.' }),
      ),
      h(
        'section',
        { class: 'panel wide' },
        h('h2', {
          text: `Notable events (failures, warnings and worse)${d.notable_total > d.notable.length ? ` — newest ${d.notable.length} of ${fmtNum(d.notable_total)}` : ''}`,
        }),
        d.notable.length
          ? h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['time', 'event', 'source', 'user', 'address', 'severity'].map((c) =>
                    h('th', { text: c }),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                d.notable.map((e) =>
                  h(
                    'tr',
                    { class: 'click', onclick: () => (location.hash = `#/events/${e.id}`) },
                    h('td', { class: 'mono', text: fmtTime(e.timeMs) }),
                    h('td', { text: e.name }),
                    h('td', { text: e.source }),
                    h('td', { text: e.user ?? '' }),
                    h('td', { class: 'mono', text: e.client ?? '' }),
                    h('td', { text: e.severity ?? '' }),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted', text: 'None.' }),
      ),
      h(
        'section',
        { class: 'panel wide', id: 'signoffs' },
        h('h2', { text: 'Sign-off trail' }),
        r.signoffs.length
          ? h(
              'ol',
              { class: 'timeline' },
              r.signoffs.map((x) =>
                h(
                  'li',
                  {},
                  h('b', { text: x.reviewer }),
                  ` signed off ${fmtTime(x.timeMs)} (period ${fmtTime(x.fromMs)} – ${fmtTime(x.toMs)}) · event `,
                  h('a', { href: `#/events/${x.eventId}`, text: `#${x.eventSeq}` }),
                  x.notes ? h('div', { text: x.notes }) : '',
                  x.exceptions.length
                    ? h('div', { class: 'muted', text: `Exceptions: ${x.exceptions.join('; ')}` })
                    : '',
                ),
              ),
            )
          : h('p', { class: 'muted', text: 'Never signed off.' }),
      ),
    ),
  );
}

async function pageSources() {
  const r = await api('/ui/api/sources');
  render(
    h('h1', { text: 'Sources' }),
    h(
      'div',
      { class: 'panel' },
      r.sources.length
        ? h(
            'table',
            { id: 'source-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['source', 'last seen', 'events', 'parse rate', 'usual gap', 'status'].map((c) =>
                  h('th', { text: c }),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              r.sources.map((x) => {
                const rate = x.parse_rate == null ? null : Math.round(x.parse_rate * 1000) / 10;
                const bar = s(
                  'svg',
                  { viewBox: '0 0 100 10', width: 90, height: 10 },
                  s('rect', { width: 100, height: 10, rx: 2, fill: '#edf1f6' }),
                  s('rect', {
                    width: rate ?? 0,
                    height: 10,
                    rx: 2,
                    fill: rate != null && rate < 90 ? '#e39b1b' : '#1e7b45',
                  }),
                );
                return h(
                  'tr',
                  {},
                  h('td', {}, h('a', { href: q('source', x.source), text: x.source })),
                  h('td', { title: fmtTime(x.last_seen), text: ago(x.last_seen) }),
                  h('td', { text: fmtNum(x.events) }),
                  h('td', {}, bar, ` ${rate == null ? '—' : rate + ' %'}`),
                  h('td', {
                    text: x.usual_gap_ms ? `${Math.round(x.usual_gap_ms / 1000)} s` : '—',
                  }),
                  h(
                    'td',
                    {},
                    x.silent
                      ? h('span', { class: 'badge bad', text: 'silent' })
                      : h('span', { class: 'badge ok', text: 'sending' }),
                  ),
                );
              }),
            ),
          )
        : h('p', { class: 'muted', text: 'No source has sent anything yet.' }),
    ),
  );
}

// ---------- router ----------
const PAGES = [
  [/^#\/overview$/, 'overview', (m, p) => pageOverview(p)],
  [/^#\/events$/, 'events', (m, p) => pageEvents(p)],
  [/^#\/events\/(.+)$/, 'events', (m) => pageEvent(decodeURIComponent(m[1]))],
  [/^#\/alerts$/, 'alerts', (m, p) => pageAlerts(p)],
  [/^#\/alerts\/([0-9a-f-]{36})$/, 'alerts', (m) => pageAlert(m[1])],
  [/^#\/reviews$/, 'reviews', () => pageReviews()],
  [/^#\/reviews\/(\d+)$/, 'reviews', (m) => pageReview(m[1])],
  [/^#\/sources$/, 'sources', () => pageSources()],
];
async function route() {
  if (!state.user) return;
  const [path, query] = (location.hash || '#/overview').split('?');
  const params = new URLSearchParams(query ?? '');
  const hit = PAGES.find(([re]) => re.test(path));
  if (!hit) return void (location.hash = '#/overview');
  for (const a of document.querySelectorAll('#nav a'))
    a.classList.toggle('active', a.dataset.page === hit[1]);
  document.title = `${hit[1][0].toUpperCase()}${hit[1].slice(1)} · logwarden`;
  try {
    await hit[2](hit[0].exec(path), params);
  } catch (e) {
    if (e.status !== 401) render(h('h1', { text: 'Something went wrong' }), errorBox(e));
  }
  document.body.dataset.ready = path;
}
function start() {
  document.getElementById('top').hidden = false;
  document.getElementById('who').textContent = `${state.user} · ${state.role}`;
  route();
}
window.addEventListener('hashchange', route);
document.getElementById('logout').addEventListener('click', async () => {
  await api('/ui/api/logout', { method: 'POST' }).catch(() => undefined);
  Object.assign(state, { user: null, role: null, csrf: null });
  showLogin('You are logged out.');
});
(async () => {
  try {
    const r = await fetch('/ui/api/session', { credentials: 'same-origin' });
    if (r.ok) {
      Object.assign(state, await r.json());
      return start();
    }
  } catch {
    /* offline or server down: the login form says so on submit */
  }
  showLogin();
})();
