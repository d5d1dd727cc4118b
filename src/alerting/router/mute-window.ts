/**
 * Mute windows: weekday and time-of-day ranges in a time zone (Alertmanager's time intervals,
 * reduced to what operators write). Compiled once; the zone's wall clock comes from Intl, so
 * daylight saving shifts are the zone database's, not ours.
 */
import { LogwardenError } from '../../core/errors.js';

export interface MuteWindowConfig {
  readonly weekdays?: readonly string[] | undefined;
  readonly times?: readonly string[] | undefined;
  readonly time_zone: string;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export type MuteTest = (nowMs: number) => boolean;

function dayIndex(d: string, where: string): number {
  const i = DAYS.indexOf(d);
  if (i < 0)
    throw new LogwardenError('LW_CONFIG_INVALID', `${where}: unknown weekday ${JSON.stringify(d)}`);
  return i;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** One window; `where` names it in errors. */
export function compileMuteWindow(w: MuteWindowConfig, where: string): MuteTest {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: w.time_zone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  } catch {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${where}.time_zone: unknown zone ${JSON.stringify(w.time_zone)}`,
    );
  }
  const days = new Set<number>();
  for (const spec of w.weekdays ?? []) {
    const [a, b] = spec.split('-');
    const from = dayIndex(a!, `${where}.weekdays`);
    const to = b === undefined ? from : dayIndex(b, `${where}.weekdays`);
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  const ranges = (w.times ?? []).map((t) => {
    const [a, b] = t.split('-');
    return [minutes(a!), minutes(b!)] as const;
  });
  return (nowMs) => {
    const parts = fmt.formatToParts(new Date(nowMs));
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const day = DAYS.indexOf(get('weekday').slice(0, 3).toLowerCase());
    const minute = Number(get('hour')) * 60 + Number(get('minute'));
    if (days.size > 0 && !days.has(day)) return false;
    if (ranges.length === 0) return true;
    // A range whose end is before its start wraps midnight ("22:00-06:00").
    return ranges.some(([s, e]) =>
      s <= e ? minute >= s && minute < e : minute >= s || minute < e,
    );
  };
}
