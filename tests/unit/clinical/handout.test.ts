import { describe, expect, it } from 'vitest';
import { HANDOUT_SECTIONS, handoutRedFlagText } from '@/lib/core/clinical/handout';
import { RED_FLAG_CODES, type RedFlagCode } from '@/lib/core/clinical/red-flags';
import { resolveThresholds } from '@/lib/core/clinical/thresholds';

const allText = HANDOUT_SECTIONS.flatMap((s) => [s.title, ...s.items]).join('\n');

describe('HANDOUT_SECTIONS', () => {
  it('has titled sections with items', () => {
    expect(HANDOUT_SECTIONS.length).toBeGreaterThanOrEqual(5);
    for (const s of HANDOUT_SECTIONS) {
      expect(s.title.trim()).not.toBe('');
      expect(s.items.length).toBeGreaterThan(0);
    }
  });

  it.each<[string, RegExp]>([
    ['cold surface first aid', /cool/i],
    ['stretching the calf', /stretch/i],
    ['squeezing then rubbing', /squeeze/i],
    ['warming compress', /warm compress/i],
    ['rest afterwards', /rest/i],
    ['massage from the Achilles tendon upwards', /Achilles/],
    ['low-heeled shoes', /low heel/i],
    ['less salt, sugar and instant coffee', /less salt and sugar, and cut back on instant coffee/i],
    ['warm socks', /warm socks/i],
    ['contrast foot baths', /foot baths/i],
    ['magnesium foods', /Magnesium:/],
    ['calcium foods', /Calcium:/],
    ['potassium foods', /Potassium:/],
    ['B vitamin foods', /B vitamins:/],
    ['see a doctor when frequent or long', /often, last a long time/i],
  ])('covers %s', (_name, pattern) => {
    expect(allText).toMatch(pattern);
  });
});

describe('handoutRedFlagText', () => {
  it.each(RED_FLAG_CODES.map((c) => [c] as [RedFlagCode]))('%s has its own plain sentence', (code) => {
    const text = handoutRedFlagText(code);
    expect(text.length).toBeGreaterThan(20);
    expect(text).not.toMatch(/[A-Z]{2,}_/); // no codes leak into patient text
    const others = RED_FLAG_CODES.filter((c) => c !== code).map((c) => handoutRedFlagText(c));
    expect(others).not.toContain(text);
  });

  it('covers the ten v2 codes and the diary\'s seizure signs', () => {
    expect(RED_FLAG_CODES).toHaveLength(11);
    for (const code of ['PROLONGED_SEIZURE', 'PROLONGED_CRAMP', 'CALF_SWELLING', 'WEAKNESS_OR_WASTING'] as RedFlagCode[]) {
      expect(RED_FLAG_CODES).toContain(code);
      expect(handoutRedFlagText(code).length).toBeGreaterThan(20);
    }
  });

  it.each<[RedFlagCode, RegExp]>([
    ['IMPAIRED_CONSCIOUSNESS', /urgent/i],
    ['PROLONGED_SEIZURE', /seizure lasted 5 minutes or more/],
    ['PROLONGED_SEIZURE', /ambulance/],
    ['PROLONGED_CRAMP', /cramp lasted 10 minutes or more/],
    ['PROLONGED_CRAMP', /check-up/],
    ['CALF_SWELLING', /swollen, warm or red/],
    ['CALF_SWELLING', /same day/],
    ['CALF_SWELLING', /blood clot/],
    ['WEAKNESS_OR_WASTING', /weak, thinner or twitching/],
    ['WEAKNESS_OR_WASTING', /neurologist/],
    ['FREQUENT_EPISODES', /3 or more cramps within 7 days/],
    ['CONSECUTIVE_DAYS', /feet warm/i],
    ['FREQUENT_WITHOUT_EXERTION', /exercise/i],
  ])('%s says %s', (code, pattern) => {
    expect(handoutRedFlagText(code)).toMatch(pattern);
  });

  it("follows the clinic's thresholds", () => {
    const t = resolveThresholds({ prolongedSeizureSeconds: 600, prolongedCrampSeconds: 900, frequentEpisodes: 4, frequentWindowDays: 10, consecutiveDays: 4 });
    expect(handoutRedFlagText('PROLONGED_SEIZURE', t)).toMatch(/10 minutes/);
    expect(handoutRedFlagText('PROLONGED_CRAMP', t)).toMatch(/15 minutes/);
    expect(handoutRedFlagText('FREQUENT_EPISODES', t)).toMatch(/4 or more cramps within 10 days/);
    expect(handoutRedFlagText('CONSECUTIVE_DAYS', t)).toMatch(/4 or more days in a row/);
  });

  it.each<[number, string]>([
    [60, '1 minute'],
    [120, '2 minutes'],
    [90, '90 seconds'],
    [299, '299 seconds'],
  ])('a threshold of %i s reads "%s"', (seconds, words) => {
    const t = resolveThresholds({ prolongedSeizureSeconds: seconds, prolongedCrampSeconds: seconds });
    expect(handoutRedFlagText('PROLONGED_SEIZURE', t)).toContain(`lasted ${words} or more`);
    expect(handoutRedFlagText('PROLONGED_CRAMP', t)).toContain(`lasted ${words} or more`);
  });
});
