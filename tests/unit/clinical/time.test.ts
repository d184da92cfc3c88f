import { describe, expect, it } from 'vitest';
import { formatWeek } from '@/app/_components/charts/palette';
import { formatInZone } from '@/lib/core/clinical/time';

describe('formatInZone: one formatter kept per zone', () => {
  it.each<[string, string, string]>([
    ['2026-07-01T22:30:00Z', 'Europe/Berlin', '02 Jul 2026, 00:30 CEST'],
    ['2026-07-01T22:30:00Z', 'America/New_York', '01 Jul 2026, 18:30 GMT-4'],
    ['2026-07-01T22:30:00Z', 'UTC', '01 Jul 2026, 22:30 UTC'],
    // Winter time: the kept Berlin formatter still follows the zone's rules.
    ['2026-12-01T22:30:00Z', 'Europe/Berlin', '01 Dec 2026, 23:30 CET'],
  ])('%s in %s is %s, asked twice', (iso, zone, expected) => {
    expect(formatInZone(new Date(iso), zone)).toBe(expected);
    expect(formatInZone(new Date(iso), zone)).toBe(expected);
  });
});

describe('formatWeek', () => {
  it.each<[string, boolean, string]>([
    ['2026-03-23', false, '23 Mar'],
    ['2026-03-23', true, '23 Mar 2026'],
    ['2025-12-29', false, '29 Dec'],
    ['2025-12-29', true, '29 Dec 2025'],
  ])('%s (with year: %s) is %s', (week, withYear, expected) => {
    expect(formatWeek(week, withYear)).toBe(expected);
  });
});
