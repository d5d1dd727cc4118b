#!/usr/bin/env node
/**
 * Generates examples/system.log: the kind of log the seed's organization hands over ("cat
 * system.log"): a timestamp and the URL requested, nothing else. Seeded (mulberry32), so the
 * file and the committed reports in examples/reports/ are reproducible:
 *
 *   node scripts/gen-system-log.mjs > examples/system.log
 */
const SEED = 0x5eed09;
function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(SEED);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];

const PAGES = [
  '/',
  '/',
  '/',
  '/index.html',
  '/products',
  '/products',
  '/products/12',
  '/products/7',
  '/products/31',
  '/cart',
  '/cart',
  '/checkout',
  '/account',
  '/account/orders',
  '/login',
  '/login',
  '/logout',
  '/search?q=shoes',
  '/search?q=red+dress',
  '/static/app.js',
  '/static/app.css',
  '/static/logo.png',
  '/favicon.ico',
  '/contact',
  '/about',
];
// A few requests an attacker sent that nobody noticed (and the log cannot say who sent them).
const ATTACKS = [
  "/search?q=1'+OR+'1'='1",
  '/products?id=1+UNION+SELECT+username,password+FROM+users--',
  '/../../../../etc/passwd',
  '/static/..%2f..%2f..%2fetc%2fpasswd',
  '/wp-login.php',
  '/.env',
  '/admin',
  '/admin',
  '/phpmyadmin/index.php',
];

const out = [];
let t = Date.UTC(2026, 10, 24, 7, 58, 11);
const end = Date.UTC(2026, 10, 26, 21, 0, 0);
while (t < end && out.length < 480) {
  const d = new Date(t);
  const stamp = d.toISOString().slice(0, 19).replace('T', ' ');
  // Local time without a zone, as the seed's server writes it.
  const url = rnd() < 0.03 ? pick(ATTACKS) : pick(PAGES);
  out.push(`${stamp} ${url}`);
  // Busier by day than by night.
  const hour = d.getUTCHours();
  const mean = hour >= 8 && hour <= 20 ? 240_000 : 1_200_000;
  t += Math.floor(-Math.log(1 - rnd()) * mean) + 1000;
}
process.stdout.write(out.join('\n') + '\n');
